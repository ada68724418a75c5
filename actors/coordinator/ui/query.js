/*
 * query.js — fills query.html for the query named in the location's query
 * string (Trino's infoUri form "query.html?{id}"). The timeline combines the
 * server's times (created, queued for, ended) with every state change seen
 * while polling.
 */
"use strict";

(() => {
  const { getJson, el, setText, stateBadge, durationMillis, formatMillis, formatTime, isFinal } = shoal;
  const queryId = decodeURIComponent(window.location.search.replace(/^\?/, "").split("&")[0]);
  const observed = []; /* {state, at: Date} as seen by this page */

  const LABELS = {
    createTime: "Created", endTime: "Ended", elapsedTime: "Elapsed", queuedTime: "Queued",
    executionTime: "Execution", planningTime: "Planning", cpuTime: "CPU time", outputPositions: "Output rows",
    outputDataSize: "Output size", processedInputPositions: "Input rows", totalSplits: "Splits",
    completedSplits: "Completed splits", peakUserMemoryReservation: "Peak memory",
  };

  function keyValueRows(tbodyId, entries) {
    document.getElementById(tbodyId).replaceChildren(...entries
      .filter(([, value]) => value !== undefined && value !== null && value !== "")
      .map(([name, value]) => el("tr", {}, el("th", {}, name),
        el("td", {}, typeof value === "object" ? JSON.stringify(value) : String(value)))));
  }

  function renderTimeline(info) {
    const stats = info.queryStats || {};
    const items = [];
    const created = stats.createTime ? new Date(stats.createTime) : null;
    if (created) items.push(["Created (QUEUED)", created]);
    const queued = durationMillis(stats.queuedTime);
    if (created && isFinite(queued) && info.scheduled) {
      items.push(["Started (left the queue after " + formatMillis(queued) + ")", new Date(created.getTime() + queued)]);
    }
    for (const step of observed) {
      if (!(isFinal(step.state) && stats.endTime)) items.push(["Seen " + step.state, step.at]);
    }
    if (stats.endTime) items.push(["Ended " + info.state + " after " + formatMillis(durationMillis(stats.elapsedTime)), new Date(stats.endTime)]);
    items.sort((a, b) => a[1] - b[1]);
    document.getElementById("timeline").replaceChildren(...items.map(([label, at]) =>
      el("li", {}, label, el("span", { class: "when" }, formatTime(at.toISOString())))));
  }

  function renderError(info) {
    const error = info.error || info.failureInfo;
    const failed = info.state === "FAILED";
    document.getElementById("error-section").classList.toggle("hidden", !failed);
    if (!failed) return;
    setText("error-message", (error && error.message) || (info.errorCode && info.errorCode.name) || "Query failed");
    const location = error && error.errorLocation;
    keyValueRows("error-rows", [
      ["Error type", info.errorType || (error && error.errorType)],
      ["Error code", info.errorCode ? info.errorCode.name + " (" + info.errorCode.code + ")" : error && error.errorName],
      ["Location", location ? "line " + location.lineNumber + ", column " + location.columnNumber : ""],
      ["Exception", error && error.failureInfo && error.failureInfo.type],
    ]);
  }

  /* outputStage and its subStages: one row per stage, one per task under it. */
  function stageRows(stage, rows) {
    const row = (label, state, s) => el("tr", {}, el("th", {}, label), el("td", {}, state),
      el("td", {}, (s.completedDrivers || 0) + "/" + (s.totalDrivers || 0)), el("td", {}, String(s.rawInputPositions || 0)),
      el("td", {}, s.rawInputDataSize || "0B"), el("td", {}, s.totalCpuTime || ""), el("td", {}, String(s.outputPositions || 0)));
    rows.push(row("Stage " + stage.stageId.split(".").pop(), stage.state, stage.stageStats || {}));
    for (const task of stage.tasks || []) {
      rows.push(row("Task " + task.taskStatus.taskId, task.taskStatus.state, task.stats || {}));
    }
    for (const sub of stage.subStages || []) stageRows(sub, rows);
    return rows;
  }

  function render(info) {
    const last = observed[observed.length - 1];
    if (!last || last.state !== info.state) observed.push({ state: info.state, at: new Date() });
    setText("query-sql", info.query);
    document.getElementById("query-state").replaceChildren(stateBadge(info.state));
    document.title = "Shoal — Query " + info.queryId + " (" + info.state + ")";
    renderTimeline(info);
    renderError(info);
    const stats = info.queryStats || {};
    keyValueRows("stats-rows", [["State", info.state], ...Object.entries(stats).map(([name, value]) =>
      [LABELS[name] || name, /Time$/.test(name) && typeof value === "string" && value.includes("T") ? formatTime(value) : value])]);
    document.getElementById("stages-rows").replaceChildren(...(info.outputStage ? stageRows(info.outputStage, []) : []));
    const session = info.session || {};
    keyValueRows("session-rows", [["User", session.user], ["Source", session.source], ["Catalog", session.catalog],
      ["Schema", session.schema], ["Time zone", session.timeZoneKey], ["Client info", session.clientInfo],
      ["Trace token", session.traceToken]]);
  }

  setText("query-id", queryId);
  if (!queryId) {
    setText("status-line", "No query id: open this page as query.html?{queryId}");
    return;
  }
  shoal.poll(async () => {
    const { status, body } = await getJson("/v1/query/" + encodeURIComponent(queryId));
    if (status === 410 || status === 404) {
      document.getElementById("not-found").classList.remove("hidden");
      setText("not-found-text", "Query " + queryId + " is unknown or has expired from the coordinator's history.");
      return false;
    }
    if (!body) throw new Error("HTTP " + status);
    render(body);
    return !isFinal(body.state);
  }, 1000);
})();
