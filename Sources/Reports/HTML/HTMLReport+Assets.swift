extension HTMLReport {
    static let style = """
        :root{--ink:#1d2430;--soft:#5b6577;--line:#dfe3ea;--bg:#f6f7f9;--card:#fff;--accent:#2f6fde;--warm:#d9822b}
        *{box-sizing:border-box}
        body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
        header{background:#1f2a3c;color:#eef2f8;padding:18px 28px 14px}
        header h1{margin:0;font-size:20px;font-weight:600;letter-spacing:.2px}
        header .sub{margin:2px 0 12px;color:#b8c3d6;font-family:ui-monospace,Menlo,monospace;font-size:12.5px;word-break:break-all}
        .facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:8px 18px;margin:0}
        .facts div{min-width:0}.facts .wide{grid-column:1/-1}.facts dt{font-size:11px;text-transform:uppercase;letter-spacing:.6px;\
        color:#8f9bb1}
        .facts dd{margin:0;font-weight:500;overflow-wrap:anywhere}
        nav{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line);padding:8px 28px}
        nav a{color:var(--accent);text-decoration:none;margin-right:16px;font-weight:500}
        main{max-width:1080px;margin:0 auto;padding:8px 20px 24px}
        section{scroll-margin-top:44px;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 18px;\
        margin:16px 0}
        h2{font-size:17px;margin:0 0 6px}h3{font-size:14.5px;margin:16px 0 6px}
        .hint{color:var(--soft);font-size:12.5px;margin:0 0 8px}
        .bar{display:flex;height:26px;border-radius:5px;overflow:hidden;border:1px solid var(--line)}
        .bar .live,.key.live{background:var(--accent)}.bar .owned,.key.owned{background:var(--warm)}
        .bar .other,.key.other{background:#c9d0dc}
        .key{display:inline-block;width:11px;height:11px;border-radius:2px;margin:0 5px 0 2px;vertical-align:-1px}
        .legend{font-size:13px;color:var(--soft)}
        .crumbs{margin:6px 0}.crumbs button{font:inherit;font-size:12.5px;border:1px solid var(--line);background:#eef3fc;\
        color:var(--accent);border-radius:4px;padding:2px 8px;margin-right:4px;cursor:pointer}
        .crumbs button:last-child{background:var(--accent);color:#fff}
        #treemap-svg{width:100%;height:auto;display:block;border-radius:4px;background:#eef0f4}
        #treemap-svg rect{stroke:#fff;stroke-width:1}
        #treemap-svg .cell{cursor:pointer}#treemap-svg .cell:hover rect{stroke:#1f2a3c;stroke-width:1.5}
        #treemap-svg text{font-size:11px;fill:#1d2430;pointer-events:none}
        #treemap-svg .outer text{font-weight:600}
        #treemap-tip{position:fixed;pointer-events:none;background:#1f2a3c;color:#fff;padding:6px 9px;border-radius:5px;font-size:12px;\
        white-space:pre;max-width:480px;z-index:3;box-shadow:0 2px 8px rgba(0,0,0,.25)}
        table{border-collapse:collapse;width:100%;font-size:13px}
        th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
        th{background:#f0f2f6;font-weight:600;position:sticky;top:37px}
        th[data-sort]{cursor:pointer}th[data-sort]:hover{color:var(--accent)}
        td{overflow-wrap:anywhere}.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
        .scroll{max-height:460px;overflow:auto;border:1px solid var(--line);border-radius:4px}
        #types-table thead th{top:0}
        input[type=search]{font:inherit;padding:5px 9px;border:1px solid var(--line);border-radius:5px;width:260px}
        .retainers{padding-left:22px}.retainers li{margin:0 0 10px}
        .size{display:inline-block;min-width:76px;font-weight:600;color:var(--warm);font-variant-numeric:tabular-nums}
        .path{font-family:ui-monospace,Menlo,monospace;font-size:12px;color:var(--soft);margin-top:2px;overflow-wrap:anywhere}
        .path span{color:var(--ink)}.path i{font-style:normal;margin:0 5px;color:#9aa4b5}
        .count{font-weight:600;margin-right:6px}
        .bars text{font-size:12px;fill:var(--ink)}.bars rect{fill:var(--warm)}
        code{font-family:ui-monospace,Menlo,monospace;font-size:12px}
        footer{max-width:1080px;margin:0 auto 30px;padding:0 20px;color:var(--soft);font-size:12px}
        """

    /// The page's own script: treemap zoom, breadcrumb and tooltip; sorting and filtering the types table.
    /// Names are only ever set as text (`textContent`), never parsed as HTML.
    static let script = """
        (function () {
          "use strict";
          var data = JSON.parse(document.getElementById("memlens-data").textContent);
          var nodes = data.nodes, kids = nodes.map(function () { return []; });
          nodes.forEach(function (n, i) { if (n[5] >= 0) kids[n[5]].push(i); });
          var svg = document.getElementById("treemap-svg"), crumbs = document.getElementById("treemap-crumbs");
          var tip = document.getElementById("treemap-tip"), SVG = "http://www.w3.org/2000/svg", current = 0;
          function bytes(b) {
            var u = ["B", "KiB", "MiB", "GiB", "TiB"], i = 0;
            while (b >= 1024 && i < u.length - 1) { b /= 1024; i++; }
            return i === 0 ? b + " B" : b.toFixed(1) + " " + u[i];
          }
          function label(n, r) {
            if (r[2] <= 30 || r[3] <= 14) return null;
            var room = Math.floor((r[2] - 8) / 6.5), text = n[0] + " \\u00b7 " + bytes(n[2]);
            if (text.length <= room) return text;
            if (n[0].length <= room) return n[0];
            return room > 2 ? n[0].slice(0, room - 1) + "\\u2026" : null;
          }
          function cell(i, r, outer) {
            var n = nodes[i], rest = n[1] === "rest", g = document.createElementNS(SVG, "g");
            g.setAttribute("class", "cell " + (outer ? "outer" : "inner"));
            g.setAttribute("data-node", i);
            g.setAttribute("data-depth", outer ? 1 : 2);
            g.setAttribute("data-name", n[0]);
            g.setAttribute("data-size", n[2]);
            var rect = document.createElementNS(SVG, "rect");
            ["x", "y", "width", "height"].forEach(function (k, j) { rect.setAttribute(k, r[j]); });
            rect.setAttribute("fill", "hsl(" + n[8] + "," + (rest ? 8 : outer ? 40 : 50) + "%," + (rest ? (outer ? 90 : 80) : (outer ?\
         88 : 68)) + "%)");
            g.appendChild(rect);
            var text = label(n, r);
            if (text) {
              var t = document.createElementNS(SVG, "text");
              t.setAttribute("x", r[0] + 4); t.setAttribute("y", r[1] + 12); t.textContent = text;
              g.appendChild(t);
            }
            return g;
          }
          function show(v) {
            current = v;
            while (svg.firstChild) svg.removeChild(svg.firstChild);
            kids[v].forEach(function (c) {
              svg.appendChild(cell(c, nodes[c][6], true));
              kids[c].forEach(function (gc) { svg.appendChild(cell(gc, nodes[gc][7], false)); });
            });
            while (crumbs.firstChild) crumbs.removeChild(crumbs.firstChild);
            var chain = [];
            for (var p = v; p >= 0; p = nodes[p][5]) chain.unshift(p);
            chain.forEach(function (p) {
              var b = document.createElement("button");
              b.type = "button"; b.setAttribute("data-node", p);
              b.textContent = nodes[p][0] + " \\u00b7 " + bytes(nodes[p][2]);
              crumbs.appendChild(b);
            });
          }
          function describe(n) {
            var own = n[1] === "object";
            return n[0] + "\\n" + bytes(n[2]) + (own ? " own, " + bytes(n[3]) + " retained" : " retained by " +\
         n[4].toLocaleString("en-US") + " objects");
          }
          svg.querySelectorAll("title").forEach(function (t) { t.parentNode.removeChild(t); });
          svg.addEventListener("click", function (e) {
            var g = e.target.closest("g.cell");
            if (!g) return;
            var i = +g.getAttribute("data-node");
            if (kids[i].length) show(i);
            else if (nodes[i][5] !== current && nodes[i][5] >= 0) show(nodes[i][5]);
          });
          svg.addEventListener("mousemove", function (e) {
            var g = e.target.closest("g.cell");
            if (!g) { tip.hidden = true; return; }
            tip.textContent = describe(nodes[+g.getAttribute("data-node")]);
            tip.hidden = false;
            tip.style.left = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 8) + "px";
            tip.style.top = (e.clientY + 14) + "px";
          });
          svg.addEventListener("mouseleave", function () { tip.hidden = true; });
          crumbs.addEventListener("click", function (e) {
            var b = e.target.closest("button");
            if (b) show(+b.getAttribute("data-node"));
          });
          var linked = /node=(\\d+)/.exec(location.hash);
          if (linked && kids[+linked[1]] && kids[+linked[1]].length) show(+linked[1]);
          var table = document.getElementById("types-table"), filter = document.getElementById("type-filter");
          if (table) {
            var body = table.tBodies[0];
            table.querySelectorAll("th").forEach(function (th, column) {
              var descending = false;
              th.addEventListener("click", function () {
                var numeric = th.getAttribute("data-sort") === "number";
                descending = !descending;
                var rows = Array.prototype.slice.call(body.rows);
                rows.sort(function (a, b) {
                  var x = a.cells[column], y = b.cells[column];
                  var d = numeric ? (+x.getAttribute("data-value")) - (+y.getAttribute("data-value")) :\
         x.textContent.localeCompare(y.textContent);
                  return descending ? -d : d;
                });
                rows.forEach(function (r) { body.appendChild(r); });
              });
            });
            filter.addEventListener("input", function () {
              var needle = filter.value.toLowerCase();
              Array.prototype.forEach.call(body.rows, function (r) {
                r.hidden = needle !== "" && r.cells[0].textContent.toLowerCase().indexOf(needle) < 0;
              });
            });
          }
        })();
        """
}
