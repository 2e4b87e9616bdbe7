/* The interactive maps (Leaflet, vendored under static/vendor/leaflet/).
 *
 * Each <figure class="map"> holds a server-drawn SVG that works without JavaScript. When Leaflet is here, the
 * figure gets an interactive map in its place: the base (France, its neighbours and the land borders, from
 * static/maps/base.geojson), the portal's layers (GeoJSON from /api/v1/map/…) with a layer control, popups linking
 * to the pages, markers reachable with the keyboard and named for screen readers, and a legend. Each layer has
 * its own shape, so nothing is told by colour alone. If anything fails, the SVG stays. No inline script or style
 * attribute is written (CSP): positions are set through the DOM by Leaflet, looks come from portal.css.
 */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  // The shape of each layer, in a 16×16 box (the same shapes as the server-drawn SVG).
  var SHAPES = {
    towns: "circle",
    localities: "cross",
    factsheets: "square",
    missions: "triangle",
    areas: "diamond",
    focus: "star"
  };

  function shapeElement(shape) {
    var el;
    if (shape === "circle") {
      el = document.createElementNS(SVG_NS, "circle");
      el.setAttribute("cx", "8");
      el.setAttribute("cy", "8");
      el.setAttribute("r", "5");
      return el;
    }
    el = document.createElementNS(SVG_NS, "path");
    var d = {
      square: "M3 3H13V13H3Z",
      triangle: "M8 1.5L14.5 14H1.5Z",
      diamond: "M8 1L15 8L8 15L1 8Z",
      cross: "M2 8H14M8 2V14",
      star: "M8 0.5L10 6H15.5L11 9.5L12.8 15L8 11.6L3.2 15L5 9.5L0.5 6H6Z"
    }[shape];
    el.setAttribute("d", d);
    return el;
  }

  function markSvg(layer, kind) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "map-mark map-mark-" + layer + (kind ? " map-kind-" + kind : ""));
    svg.appendChild(shapeElement(SHAPES[layer] || "circle"));
    return svg;
  }

  function icon(layer, kind, size) {
    var holder = document.createElement("div");
    holder.appendChild(markSvg(layer, kind));
    return L.divIcon({
      className: "map-marker map-marker-" + layer,
      html: holder.innerHTML, // built above from constants only: no data from the server goes in it
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2],
      popupAnchor: [0, -size / 2]
    });
  }

  function popupContent(properties, texts) {
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = properties.name;
    box.appendChild(name);
    var details = [];
    if (properties.kind && texts.kinds[properties.kind]) details.push(texts.kinds[properties.kind]);
    if (properties.country) details.push(properties.country);
    if (typeof properties.distance === "number") {
      details.push(properties.distance.toLocaleString(document.documentElement.lang) + " " + texts.km);
    }
    if (details.length) {
      var p = document.createElement("p");
      p.textContent = details.join(" · ");
      box.appendChild(p);
    }
    if (properties.url) {
      var link = document.createElement("a");
      link.href = properties.url;
      link.textContent = texts.open;
      box.appendChild(link);
    }
    return box;
  }

  function markerLabel(properties, layer, texts) {
    var what = texts.kinds[properties.kind] || texts.layers[layer] || "";
    return properties.name + (what ? " (" + what + ")" : "");
  }

  function pointLayer(layer, data, texts) {
    // Dense layers (a whole country of towns) get smaller marks, so that the border stays visible.
    var size = data.features.length > 300 ? 10 : 16;
    return L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        var label = markerLabel(feature.properties, layer, texts);
        var marker = L.marker(latlng, {
          icon: icon(layer, feature.properties.kind, size),
          keyboard: true,
          title: label,
          riseOnHover: true,
          zIndexOffset: layer === "focus" ? 1000 : 0
        });
        if (feature.properties.label) {
          // The main points are named on the map, as on the server-drawn one.
          marker.bindTooltip(feature.properties.name, { permanent: true, direction: "right", className: "map-tooltip" });
        }
        marker.on("add", function () {
          var el = marker.getElement();
          if (el) el.setAttribute("aria-label", label);
        });
        return marker;
      },
      style: function () {
        return { className: "map-outline map-outline-" + layer };
      },
      onEachFeature: function (feature, item) {
        item.bindPopup(function () {
          return popupContent(feature.properties, texts);
        });
      }
    });
  }

  function legend(holder, keys, texts, kinds) {
    // Under the map (not over it: on a phone it would hide it).
    (function () {
      var box = document.createElement("div");
      box.className = "map-legend";
      var title = document.createElement("p");
      title.className = "map-legend-title";
      title.textContent = texts.legend;
      box.appendChild(title);
      var list = document.createElement("ul");
      keys.forEach(function (key) {
        var shown = key === "towns" ? ["pvd", "commune"].filter(function (k) { return kinds[k]; }) : [null];
        shown.forEach(function (kind) {
          var item = document.createElement("li");
          item.appendChild(markSvg(key, kind));
          var text = document.createElement("span");
          text.textContent = kind ? texts.kinds[kind] : texts.layers[key];
          item.appendChild(text);
          list.appendChild(item);
        });
      });
      var border = document.createElement("li");
      var line = document.createElement("span");
      line.className = "map-legend-border";
      line.setAttribute("aria-hidden", "true");
      border.appendChild(line);
      var borderText = document.createElement("span");
      borderText.textContent = texts.border;
      border.appendChild(borderText);
      list.appendChild(border);
      box.appendChild(list);
      holder.parentNode.insertBefore(box, holder.nextSibling);
    })();
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  function init(figure) {
    var texts = JSON.parse(figure.dataset.mapTexts);
    var lang = (document.documentElement.lang || "fr").slice(0, 2);
    var layers = JSON.parse(figure.dataset.mapLayers);
    var points = JSON.parse(figure.dataset.mapPoints || "[]");
    var b = figure.dataset.mapBbox.split(",").map(Number);
    var canvas = figure.querySelector(".map-canvas");
    var holder = document.createElement("div");
    holder.className = "map-leaflet";
    holder.setAttribute("role", "region");
    holder.setAttribute("aria-label", texts.map);
    figure.insertBefore(holder, canvas);
    figure.classList.add("map-enhanced");

    var map = L.map(holder, { zoomSnap: 0.25, scrollWheelZoom: false, attributionControl: true });
    map.attributionControl.setPrefix(false);
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
    if (figure.dataset.mapTiles) {
      L.tileLayer(figure.dataset.mapTiles, { attribution: figure.dataset.mapTilesAttribution || "" }).addTo(map);
    }
    // The base has a pane of its own, under the portal's layers (tiles: 200, base: 350, overlays: 400).
    map.createPane("mapBase").style.zIndex = 350;
    var base = getJSON(figure.dataset.mapBase).then(function (data) {
      L.geoJSON(data, {
        pane: "mapBase",
        interactive: false,
        style: function (feature) {
          var p = feature.properties;
          if (p.kind === "border") return { className: "map-base-border" };
          return { className: "map-base-country" + (p.iso3 === "FRA" ? " map-base-france" : "") };
        },
        onEachFeature: function (feature, item) {
          // The neighbours are named, as on the server-drawn map (France is the page's subject).
          var p = feature.properties;
          if (p.kind === "country" && ["FRA", "MCO", "AND"].indexOf(p.iso3) === -1) {
            var name = (lang === "en" && p.name_en) || p.name_fr;
            item.bindTooltip(name, { permanent: true, direction: "center", className: "map-country-label" });
          }
        }
      }).addTo(map);
      map.attributionControl.addAttribution("Natural Earth");
    });

    var overlays = {};
    var keys = [];
    var loaded = [];
    var kinds = {};
    var loads = layers.map(function (layer, index) {
      return getJSON(layer.url).then(function (data) {
        var group = pointLayer(layer.key, data, texts).addTo(map);
        var count = data.features.length;
        loaded[index] = [layer.label + " (" + count + ")", group];
        data.features.forEach(function (f) { kinds[f.properties.kind] = true; });
        if (count) keys.push(layer.key);
        if (data.attribution) map.attributionControl.addAttribution(data.attribution);
        figure.dataset["mapCount" + layer.key.charAt(0).toUpperCase() + layer.key.slice(1)] = String(count);
      });
    });
    // The points that travel with the page (the place itself, a factsheet's towns), by layer.
    var inline = {};
    points.forEach(function (feature) {
      (inline[feature.layer] = inline[feature.layer] || []).push(feature);
    });
    Object.keys(inline).forEach(function (key) {
      var group = pointLayer(key, { type: "FeatureCollection", features: inline[key] }, texts).addTo(map);
      inline[key].forEach(function (f) { kinds[f.properties.kind] = true; });
      overlays[texts.layers[key] + (key === "focus" ? "" : " (" + inline[key].length + ")")] = group;
      keys.push(key);
    });
    Promise.all([base].concat(loads))
      .then(function () {
        var order = Object.keys(SHAPES);
        keys.sort(function (a, b) { return order.indexOf(a) - order.indexOf(b); });
        loaded.forEach(function (entry) { if (entry) overlays[entry[0]] = entry[1]; });
        L.control.layers(null, overlays, { collapsed: holder.clientWidth < 600 }).addTo(map);
        legend(holder, keys, texts, kinds);
        figure.dataset.mapState = "ready";
      })
      .catch(function () {
        // The interactive map could not be drawn: the server-drawn one comes back.
        map.remove();
        holder.remove();
        figure.classList.remove("map-enhanced");
        figure.dataset.mapState = "failed";
      });
  }

  function start() {
    if (!window.L || !window.fetch) return;
    var figures = document.querySelectorAll("figure.map[data-map-layers]");
    Array.prototype.forEach.call(figures, init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
