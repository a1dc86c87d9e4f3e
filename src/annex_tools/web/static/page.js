// The page's only script (shipped in the package; nothing is loaded from the internet).
"use strict";
(function () {
  const base = location.pathname.replace(/[^/]*$/, "");  // /t/<token>/
  const $ = (sel) => document.querySelector(sel);
  let pending = null;  // the action and form a "确认写入" repeats with apply

  function text(tag, value, cls) {
    const el = document.createElement(tag);
    el.textContent = value === undefined || value === null ? "" : String(value);
    if (cls) el.className = cls;
    return el;
  }

  async function api(path, options) {
    const response = await fetch(base + "api/" + path, options);
    let body = {};
    try { body = await response.json(); } catch (e) { body = { error: "服务器没有回应（" + response.status + "）" }; }
    if (!response.ok) throw new Error(body.error || ("请求失败（" + response.status + "）"));
    return body;
  }

  async function loadMasters() {
    const box = $("#masters");
    const chosen = selected();
    const data = await api("masters");
    box.replaceChildren();
    if (!data.masters.length) box.append(text("p", "文件夹中没有 .xlsx 或 .xlsm 工作簿。", "hint"));
    data.masters.forEach((m, i) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "radio"; input.name = "master"; input.value = m.name;
      input.checked = chosen ? chosen === m.name : i === 0;
      label.append(input, " ", m.name, text("span", m.modified, "meta"));
      if (m.locked) label.append(text("span", m.locked, "lock"));
      box.append(label);
    });
  }

  function selected() {
    const input = document.querySelector("input[name=master]:checked");
    return input ? input.value : "";
  }

  function busy(on) {
    document.querySelectorAll("button").forEach((b) => { b.disabled = on; });
  }

  function reset(title) {
    $("#work").hidden = false;
    $("#work-title").textContent = title;
    $("#error").hidden = true; $("#error").textContent = "";
    $("#message").textContent = "";
    $("#confirm-box").hidden = true;
    ["#files", "#notes"].forEach((s) => $(s).replaceChildren());
    ["#findings", "#changes"].forEach((s) => { $(s).hidden = true; $(s + " tbody").replaceChildren(); });
  }

  async function upload(kind, master) {
    const input = $("#upload-" + kind);
    if (!input || !input.files.length) return;
    const form = new FormData();
    form.append("master", master);
    for (const f of input.files) form.append("files", f);
    const data = await api("upload/" + kind, { method: "POST", body: form });
    input.value = "";
    const li = text("li", "已上传到“" + data.folder + "”：" + data.saved.join("、"));
    $("#notes").append(li);
  }

  async function run(action, title, extra) {
    const master = selected();
    reset(title);
    if (!master) { showError("请先选择一个主表。"); return; }
    busy(true);
    try {
      if (action === "import-returns") await upload("returns", master);
      if (action === "import-reports") await upload("reports", master);
      if (action === "import-ballots") await upload("tallies", master);
      if (action === "import-rectifications") await upload("progress", master);
      const form = Object.assign({ master: master }, extra || {});
      if (action === "check" && $("#write").checked) form.write = "1";
      let job = await api("run/" + action, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(form),
      });
      $("#progress-box").hidden = false;
      while (job.state === "running") {
        showProgress(job);
        await new Promise((r) => setTimeout(r, 300));
        job = await api("jobs/" + job.id);
      }
      $("#progress-box").hidden = true;
      if (job.state === "failed") showError(job.error);
      else show(action, title, form, job.result);
    } catch (e) {
      $("#progress-box").hidden = true;
      showError(e.message);
    } finally {
      busy(false);
      loadMasters().catch(() => {});
    }
  }

  function showProgress(job) {
    const bar = $("#progress");
    if (job.total) { bar.max = job.total; bar.value = job.done; } else { bar.removeAttribute("value"); }
    $("#progress-label").textContent = job.label ? job.label + " " + job.done + "/" + job.total : "正在处理……";
  }

  function showError(message) {
    $("#error").hidden = false;
    $("#error").textContent = message;
  }

  function show(action, title, form, result) {
    $("#message").textContent = result.message || "";
    (result.files || []).forEach((f) => {
      const li = document.createElement("li");
      const a = text("a", f.name);
      a.href = f.url; a.setAttribute("download", "");
      li.append(a); $("#files").append(li);
    });
    (result.errors || []).forEach((e) => $("#notes").append(text("li", e, "error")));
    (result.notes || []).forEach((n) => $("#notes").append(text("li", n)));
    Object.entries(result.lists || {}).forEach(([k, items]) => items.forEach((x) => $("#notes").append(text("li", k + "：" + x))));
    (result.filled || []).forEach((x) => $("#notes").append(text("li", "将写入/已写入：" + x)));
    if (result.findings) {
      const body = $("#findings tbody");
      result.findings.forEach((f) => {
        const tr = document.createElement("tr");
        tr.className = f.level;
        [f.severity, f.sheet, f.row, f.column, f.message, f.code].forEach((v) => tr.append(text("td", v)));
        body.append(tr);
      });
      $("#findings").hidden = !result.findings.length;
    }
    if (result.changes) {
      const body = $("#changes tbody");
      result.changes.forEach((c) => {
        const tr = document.createElement("tr");
        tr.className = c.applies ? "applies" : "conflict";
        [c.applies ? "可写入" : "冲突或无法对应", c.kind, c.file, c.row, c.who, c.detail].forEach((v) => tr.append(text("td", v)));
        body.append(tr);
      });
      $("#changes").hidden = !result.changes.length;
    }
    if (result.confirm) {
      pending = { action: action, title: title, extra: { apply: result.confirm } };
      $("#confirm-box").hidden = false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    loadMasters().catch((e) => showError(e.message));
    $("#refresh").addEventListener("click", () => loadMasters().catch((e) => showError(e.message)));
    document.querySelectorAll("button[data-action]").forEach((b) => {
      b.addEventListener("click", () => run(b.dataset.action, b.textContent));
    });
    $("#confirm").addEventListener("click", () => {
      if (pending) run(pending.action, pending.title + "：确认写入", pending.extra);
    });
  });
})();
