/*
 * board.js - enhancements of the live board (`yoi-tickets serve`). The
 * pages work without it (links and forms); this only adds:
 *  - filters without a reload: the board is fetched with the new query and
 *    its content swapped in; the URL follows (history.replaceState);
 *  - live updates: EventSource('/events'), and on `change` the current
 *    page is fetched again and swapped in (no polling);
 *  - drag a card to another lane: the same POST as the state form.
 * No inline code, no third-party code: served as /static/board.js under a
 * CSP of script-src 'self'.
 */
(function () {
	"use strict";

	var meta = document.querySelector('meta[name="yoi-csrf"]');
	var csrf = meta ? meta.getAttribute("content") : "";
	var busy = false; /* a fetch is in flight */
	var again = false; /* another change came meanwhile */
	var filterTimer = null;

	function here() {
		return location.pathname + location.search;
	}

	/* The lanes a user folded or opened stay so across swaps. */
	function laneStates() {
		var m = {};
		document.querySelectorAll("section.lane").forEach(function (s) {
			var d = s.querySelector("details");
			if (d && s.id) m[s.id] = d.open;
		});
		return m;
	}

	/* Something typed into a form of the page would be lost by a swap. */
	function editing() {
		var a = document.activeElement;
		if (a && a.form && a.form.method === "post") return true;
		var typed = false;
		document
			.querySelectorAll('form[method="post"] textarea, form[method="post"] input:not([type="hidden"])')
			.forEach(function (e) {
				if (e.value) typed = true;
			});
		return typed;
	}

	function replace(sel, doc) {
		var cur = document.querySelector(sel);
		var next = doc.querySelector(sel);
		if (cur && next) cur.replaceWith(document.importNode(next, true));
		else if (cur) cur.remove();
		else if (next) {
			var top = document.querySelector("header.top, header.ticket");
			if (top) top.appendChild(document.importNode(next, true));
		}
	}

	/* Swap the page's content for the one in html (a whole page). */
	function swap(html) {
		var doc = new DOMParser().parseFromString(html, "text/html");
		if (!doc.querySelector("main")) return false;
		var open = laneStates();
		document.title = doc.title;
		replace("main", doc);
		replace(".summary", doc);
		replace(".flash", doc);
		replace(".author", doc);
		Object.keys(open).forEach(function (id) {
			var s = document.getElementById(id);
			var d = s && s.querySelector("details");
			if (d) d.open = open[id];
		});
		return true;
	}

	function load(url, replaceUrl) {
		if (busy) {
			again = true;
			return;
		}
		busy = true;
		fetch(url, {credentials: "same-origin", headers: {Accept: "text/html"}})
			.then(function (r) {
				return r.text().then(function (t) {
					if ((r.headers.get("content-type") || "").indexOf("text/html") === 0 && swap(t) && replaceUrl)
						history.replaceState(null, "", url);
				});
			})
			.catch(function () {})
			.then(function () {
				busy = false;
				if (again) {
					again = false;
					load(here(), false);
				}
			});
	}

	/* ---- filters without reload ---- */

	function filterUrl(form) {
		var q = new URLSearchParams();
		new FormData(form).forEach(function (v, k) {
			if (v !== "") q.append(k, v);
		});
		var s = q.toString();
		return "/" + (s ? "?" + s : "");
	}

	document.addEventListener("input", function (e) {
		var form = e.target.form;
		if (!form || !form.classList.contains("filters")) return;
		clearTimeout(filterTimer);
		filterTimer = setTimeout(function () {
			load(filterUrl(form), true);
		}, 250);
	});

	document.addEventListener("submit", function (e) {
		var form = e.target;
		if (!form.classList.contains("filters")) return;
		e.preventDefault();
		clearTimeout(filterTimer);
		load(filterUrl(form), true);
	});

	/* ---- live updates ---- */

	var pending = false;
	function changed() {
		if (editing()) {
			pending = true; /* after the user is done */
			return;
		}
		pending = false;
		load(here(), false);
	}
	document.addEventListener("focusout", function () {
		if (pending)
			setTimeout(function () {
				if (pending && !editing()) changed();
			}, 0);
	});
	if (window.EventSource) {
		var es = new EventSource("/events");
		es.addEventListener("change", changed);
	}

	/* ---- drag a card to another lane ---- */

	/* "from>to[:need]" for every transition of the table: what a drop
	 * may do, and what it must ask for (reason, summary). */
	function transition(from, to) {
		var main = document.querySelector("main.board");
		var list = main ? (main.getAttribute("data-transitions") || "").split(" ") : [];
		for (var i = 0; i < list.length; i++) {
			var p = list[i].split(":");
			if (p[0] === from + ">" + to) return p[1] || "none";
		}
		return null;
	}

	function post(action, fields) {
		var body = new URLSearchParams();
		body.append("csrf", csrf);
		body.append("back", here());
		Object.keys(fields).forEach(function (k) {
			body.append(k, fields[k]);
		});
		busy = true;
		fetch(action, {
			method: "POST",
			credentials: "same-origin",
			headers: {"Content-Type": "application/x-www-form-urlencoded"},
			body: body
		})
			.then(function (r) {
				return r.text().then(swap);
			})
			.catch(function () {})
			.then(function () {
				busy = false;
				load(here(), false);
			});
	}

	var dragged = null;
	document.addEventListener("dragstart", function (e) {
		var card = e.target.closest && e.target.closest(".card[draggable]");
		if (!card) return;
		dragged = card;
		card.classList.add("dragging");
		e.dataTransfer.effectAllowed = "move";
		e.dataTransfer.setData("text/plain", card.getAttribute("data-id"));
	});
	document.addEventListener("dragend", function () {
		if (dragged) dragged.classList.remove("dragging");
		dragged = null;
		document.querySelectorAll(".lane.drop-target").forEach(function (l) {
			l.classList.remove("drop-target");
		});
	});
	function laneOf(e) {
		var lane = e.target.closest && e.target.closest("section.lane[data-state]");
		if (!lane || !dragged) return null;
		var to = lane.getAttribute("data-state");
		return to === dragged.getAttribute("data-state") || to === "unreadable" ? null : lane;
	}
	document.addEventListener("dragover", function (e) {
		var lane = laneOf(e);
		if (!lane) return;
		e.preventDefault();
		lane.classList.add("drop-target");
	});
	document.addEventListener("dragleave", function (e) {
		var lane = e.target.closest && e.target.closest("section.lane");
		if (lane && !lane.contains(e.relatedTarget)) lane.classList.remove("drop-target");
	});
	document.addEventListener("drop", function (e) {
		var lane = laneOf(e);
		if (!lane) return;
		e.preventDefault();
		var id = dragged.getAttribute("data-id");
		var from = dragged.getAttribute("data-state");
		var to = lane.getAttribute("data-state");
		var need = transition(from, to);
		var action = "/t/" + encodeURIComponent(id);
		if (to === "closed") {
			var resolution = window.prompt("Close " + id + ": resolution");
			if (resolution) post(action + "/close", {resolution: resolution});
			return;
		}
		if (need === null) {
			window.alert(from + " cannot go to " + to + " here; the ticket page can force it with a reason");
			return;
		}
		var fields = {to: to};
		if (need === "reason" || need === "reopen") {
			fields.reason = window.prompt(from + " \u2192 " + to + ": reason") || "";
			if (!fields.reason) return;
		} else if (need === "summary") {
			fields.summary = window.prompt(from + " \u2192 " + to + ": intake summary") || "";
			if (!fields.summary) return;
		}
		post(action + "/state", fields);
	});
})();
