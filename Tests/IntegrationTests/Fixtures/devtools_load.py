"""Loads a .heapsnapshot into the DevTools that ships inside Chromium, with no
network: headless Chromium driven over --remote-debugging-pipe (the DevTools
protocol on fds 3 and 4, NUL-separated JSON), a tab on
devtools://devtools/bundled/devtools_app.html, and there DevTools' own
HeapProfileHeader.loadFromFile, which parses the file in DevTools' heap
snapshot worker, computes dominators and retained sizes, and aggregates by
class as the Summary view does.

Usage: python devtools_load.py CHROMIUM FILE [CLASS…]
Prints one JSON document: {"total": bytes, "nodes": N, "classes": {name:
{"count", "self", "retained"}}} for the named classes, or "error: …" on
stderr and exit 1.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

LOAD = """(async () => {
  const P = await import('./panels/profiler/profiler.js');
  const type = new P.HeapSnapshotView.HeapSnapshotProfileType();
  const header = new P.HeapSnapshotView.HeapProfileHeader(null, type, 'memlens');
  const error = await header.loadFromFile(new File([window.__snapshot], 'memlens.heapsnapshot'));
  if (error) return {error: String(error)};
  const timeout = new Promise(resolve => setTimeout(() => resolve(null), 120000));
  const proxy = await Promise.race([header.loadPromise, timeout]);
  if (!proxy) return {error: 'DevTools did not finish loading the snapshot'};
  const aggregates = await proxy.aggregatesWithFilter({});
  const classes = {};
  for (const [key, value] of Object.entries(aggregates)) {
    classes[value.name] = {count: value.count, self: value.self, retained: value.maxRet};
  }
  return {total: proxy.totalSize, nodes: proxy.nodeCount, classes};
})()"""


class Pipe:
    def __init__(self, chromium):
        to_chrome = os.pipe()
        from_chrome = os.pipe()
        self.profile = tempfile.mkdtemp(prefix="memlens-devtools-")

        def child():
            # Duplicate first: the pipe ends may themselves be fds 3 or 4.
            read_end, write_end = os.dup(to_chrome[0]), os.dup(from_chrome[1])
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self.process = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--remote-debugging-pipe", "--user-data-dir=" + self.profile,
             "--host-resolver-rules=MAP * ~NOTFOUND", "about:blank"],
            preexec_fn=child, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome[0])
        os.close(from_chrome[1])
        self.out, self.inp = to_chrome[1], from_chrome[0]
        self.buffer, self.next_id, self.events = b"", 0, []

    def call(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self.out, data):]
        while True:
            while b"\0" not in self.buffer:
                chunk = os.read(self.inp, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the pipe")
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply["result"]
            if reply.get("method") in ("Runtime.exceptionThrown", "Runtime.consoleAPICalled"):
                self.events.append(reply["params"])

    def close(self):
        self.process.kill()
        self.process.wait()


def main(chromium, path, wanted):
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    pipe = Pipe(chromium)
    try:
        target = pipe.call("Target.createTarget", {"url": "devtools://devtools/bundled/devtools_app.html"})["targetId"]
        session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        pipe.call("Runtime.enable", session=session)
        # Wait until DevTools has started (its locale data is registered a moment after the page loads).
        ready = "(async () => { try { const P = await import('./panels/profiler/profiler.js'); " \
                "new P.HeapSnapshotView.HeapSnapshotProfileType(); return true; } catch (e) { return false; } })()"
        for _ in range(300):
            state = pipe.call("Runtime.evaluate", {"expression": ready, "awaitPromise": True, "returnByValue": True}, session)
            if state["result"].get("value") is True:
                break
            time.sleep(0.1)
        pipe.call("Runtime.evaluate", {"expression": "window.__snapshot = " + json.dumps(text) + "; 0"}, session)
        reply = pipe.call("Runtime.evaluate", {"expression": LOAD, "awaitPromise": True, "returnByValue": True}, session)
    finally:
        pipe.close()
    if "exceptionDetails" in reply:
        sys.stderr.write("error: %s\n" % reply["exceptionDetails"].get("exception", {}).get("description"))
        sys.exit(1)
    result = reply["result"]["value"]
    if "error" in result:
        sys.stderr.write("error: %s\n" % result["error"])
        sys.exit(1)
    errors = [e for e in pipe.events if "exceptionDetails" in e or e.get("type") == "error"]
    json.dump({"total": result["total"], "nodes": result["nodes"], "errors": len(errors),
               "classes": {name: result["classes"].get(name) for name in wanted}}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
