"""Checks a .heapsnapshot (V8 heap snapshot JSON) against every structural
invariant DevTools relies on, then recomputes each node's retained size from
the file alone with networkx's immediate_dominators.

Usage: python check_heapsnapshot.py FILE
Prints one JSON document: {"nodes": N, "edges": E, "retained": {"0x…": bytes}}
(retained per node id, written in hex as memlens writes addresses), or
"error: …" on stderr and exit 1 at the first broken invariant.
"""

import json
import sys

import networkx


def fail(message):
    sys.stderr.write("error: %s\n" % message)
    sys.exit(1)


def check(path):
    with open(path, "rb") as f:
        doc = json.loads(f.read().decode("utf-8"))
    meta = doc["snapshot"]["meta"]
    node_fields, edge_fields = meta["node_fields"], meta["edge_fields"]
    for name in ("type", "name", "id", "self_size", "edge_count"):
        if name not in node_fields:
            fail("node field %r missing" % name)
    for name in ("type", "name_or_index", "to_node"):
        if name not in edge_fields:
            fail("edge field %r missing" % name)
    nf, ef = len(node_fields), len(edge_fields)
    node_types, edge_types = meta["node_types"], meta["edge_types"]
    if len(node_types) != nf or len(edge_types) != ef:
        fail("type tables do not match the field counts")
    nodes, edges, strings = doc["nodes"], doc["edges"], doc["strings"]
    if strings[0] != "<dummy>":
        fail("strings[0] is %r" % strings[0])
    if len(nodes) % nf or len(edges) % ef:
        fail("nodes or edges length is not a multiple of the field count")
    node_count, edge_count = len(nodes) // nf, len(edges) // ef
    if doc["snapshot"]["node_count"] != node_count or doc["snapshot"]["edge_count"] != edge_count:
        fail("node_count/edge_count in the header do not match the arrays")
    t, n, i, s, c = (node_fields.index(k) for k in ("type", "name", "id", "self_size", "edge_count"))
    et, en, eto = (edge_fields.index(k) for k in ("type", "name_or_index", "to_node"))
    node_type_names, edge_type_names = node_types[t], edge_types[et]
    if sum(nodes[k * nf + c] for k in range(node_count)) != edge_count:
        fail("edge_count fields do not add up to the number of edges")
    ids = set()
    graph = networkx.DiGraph()
    graph.add_nodes_from(range(node_count))
    e = 0
    for k in range(node_count):
        base = k * nf
        if not 0 <= nodes[base + t] < len(node_type_names):
            fail("node %d: type %d out of range" % (k, nodes[base + t]))
        if not 0 <= nodes[base + n] < len(strings):
            fail("node %d: name index out of range" % k)
        if nodes[base + i] in ids:
            fail("node %d: duplicate id %d" % (k, nodes[base + i]))
        ids.add(nodes[base + i])
        if nodes[base + s] < 0:
            fail("node %d: negative size" % k)
        for _ in range(nodes[base + c]):
            kind = edges[e * ef + et]
            name = edges[e * ef + en]
            to = edges[e * ef + eto]
            if not 0 <= kind < len(edge_type_names):
                fail("edge %d: type out of range" % e)
            kind_name = edge_type_names[kind]
            if kind_name not in ("element", "hidden") and not 0 <= name < len(strings):
                fail("edge %d: %s name index %d out of range" % (e, kind_name, name))
            if to % nf or not 0 <= to // nf < node_count:
                fail("edge %d: to_node %d is not a node" % (e, to))
            if kind_name != "weak":
                graph.add_edge(k, to // nf)
            e += 1
    # Retained sizes: accumulate self sizes up the dominator tree from node 0.
    idom = dict(networkx.immediate_dominators(graph, 0))
    idom[0] = 0  # networkx 3.5+ leaves the start node out
    children = {}
    for v, d in idom.items():
        if v != d:
            children.setdefault(d, []).append(v)
    order, stack = [], [0]
    while stack:
        v = stack.pop()
        order.append(v)
        stack.extend(children.get(v, ()))
    retained = {v: nodes[v * nf + s] for v in idom}
    for v in reversed(order):
        if v != 0:
            retained[idom[v]] += retained[v]
    result = {"%#x" % nodes[v * nf + i]: r for v, r in retained.items() if v > 1}
    json.dump({"nodes": node_count, "edges": edge_count, "retained": result}, sys.stdout)


if __name__ == "__main__":
    check(sys.argv[1])
