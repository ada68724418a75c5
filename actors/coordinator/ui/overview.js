/*
 * overview.js — fills index.html: server info, query counts by state, the
 * node list, resource groups (only when /v1/resourceGroupState answers) and
 * the query list (newest first, linking to query.html?{id}).
 */
"use strict";

(() => {
  const { getJson, el, setText, stateBadge, durationMillis, formatMillis, formatTime } = shoal;
  const RUNNING = new Set(["PLANNING", "STARTING", "RUNNING", "FINISHING", "DISPATCHING"]);
  const QUEUED = new Set(["QUEUED", "WAITING_FOR_RESOURCES"]);
  let resourceGroupsSupported = true;

  function replaceRows(tbodyId, rows, columns, emptyText) {
    const tbody = document.getElementById(tbodyId);
    tbody.replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: columns, class: "empty" }, emptyText))]));
  }

  function renderInfo(info) {
    if (!info) return;
    setText("environment", info.environment);
    setText("version", info.nodeVersion && info.nodeVersion.version);
    setText("uptime", info.uptime);
  }

  function renderNodes(nodes) {
    nodes = Array.isArray(nodes) ? nodes : [];
    setText("count-nodes", nodes.length);
    replaceRows("node-rows", nodes.map((node) => el("tr", { class: "node" },
      el("td", {}, node.uri || node.nodeId || ""),
      el("td", {}, node.age || ""),
      el("td", { class: "number" }, node.recentRequests ?? ""),
      el("td", { class: "number" }, node.recentFailures ?? ""),
      el("td", {}, formatTime(node.lastResponseTime)))), 5, "No nodes");
  }

  function renderQueries(queries) {
    queries = Array.isArray(queries) ? queries : [];
    const count = (set) => queries.filter((q) => set.has(q.state)).length;
    setText("count-running", count(RUNNING));
    setText("count-queued", count(QUEUED));
    setText("count-finished", count(new Set(["FINISHED"])));
    setText("count-failed", count(new Set(["FAILED"])));
    const filter = document.getElementById("state-filter").value;
    const created = (q) => (q.queryStats && q.queryStats.createTime) || "";
    const shown = queries
      .filter((q) => !filter || q.state === filter || (filter === "RUNNING" && RUNNING.has(q.state)) ||
        (filter === "QUEUED" && QUEUED.has(q.state)))
      .sort((a, b) => created(b).localeCompare(created(a)) || String(b.queryId).localeCompare(String(a.queryId)));
    replaceRows("query-rows", shown.map((q) => {
      const stats = q.queryStats || {};
      const session = q.session || {};
      return el("tr", { class: "query", "data-query-id": q.queryId },
        el("td", {}, el("a", { href: "/ui/query.html?" + encodeURIComponent(q.queryId) }, q.queryId)),
        el("td", {}, stateBadge(q.state)),
        el("td", {}, session.user || ""),
        el("td", {}, session.source || ""),
        el("td", {}, formatTime(stats.createTime)),
        el("td", { class: "number" }, formatMillis(durationMillis(stats.elapsedTime))),
        el("td", { class: "number" }, stats.outputPositions ?? ""),
        el("td", { class: "sql", title: q.query || "" }, q.query || ""));
    }), 8, "No queries yet");
  }

  /* Trino answers /v1/resourceGroupState/{id}; the ids come from the queries
   * (resourceGroupId) or, failing that, the root "global" group. */
  async function renderResourceGroups(queries) {
    if (!resourceGroupsSupported) return;
    const ids = new Set();
    for (const q of Array.isArray(queries) ? queries : []) {
      if (Array.isArray(q.resourceGroupId) && q.resourceGroupId.length) ids.add(q.resourceGroupId[0]);
    }
    if (!ids.size) ids.add("global");
    const groups = [];
    for (const id of ids) {
      const { status, body } = await getJson("/v1/resourceGroupState/" + encodeURIComponent(id));
      if (status === 404 || status === 405) { resourceGroupsSupported = groups.length > 0; continue; }
      if (body) collectGroups(body, groups);
    }
    const section = document.getElementById("resource-groups");
    section.classList.toggle("hidden", groups.length === 0);
    replaceRows("resource-group-rows", groups.map((g) => el("tr", {},
      el("td", {}, Array.isArray(g.id) ? g.id.join(".") : g.id || ""),
      el("td", {}, g.state || ""),
      el("td", {}, g.schedulingPolicy || ""),
      el("td", { class: "number" }, g.numRunningQueries ?? (Array.isArray(g.runningQueries) ? g.runningQueries.length : "")),
      el("td", { class: "number" }, g.numQueuedQueries ?? ""),
      el("td", {}, [g.hardConcurrencyLimit !== undefined ? "concurrency " + g.hardConcurrencyLimit : "",
        g.maxQueuedQueries !== undefined ? "queue " + g.maxQueuedQueries : "",
        g.softMemoryLimit ? "memory " + g.softMemoryLimit : ""].filter(Boolean).join(", ")))), 6, "");
  }

  function collectGroups(group, out) {
    if (Array.isArray(group)) { group.forEach((g) => collectGroups(g, out)); return; }
    if (!group || typeof group !== "object") return;
    out.push(group);
    for (const sub of group.subGroups || []) collectGroups(sub, out);
  }

  let lastQueries = [];
  document.getElementById("state-filter").addEventListener("change", () => renderQueries(lastQueries));

  shoal.poll(async () => {
    const [info, nodes, queries] = await Promise.all([getJson("/v1/info"), getJson("/v1/node"), getJson("/v1/query")]);
    renderInfo(info.body);
    renderNodes(nodes.body);
    lastQueries = queries.body || [];
    renderQueries(lastQueries);
    await renderResourceGroups(lastQueries);
    return true;
  }, 1000);
})();
