/* The map of the offer: Leaflet reads its points from a JSON element named by data-points.
   No inline script (strict CSP); the same establishments are listed as text in the page. */
(function () {
  "use strict";

  function text(tag, content) {
    var element = document.createElement(tag);
    element.textContent = content;
    return element;
  }

  function popup(point) {
    var box = document.createElement("div");
    var link = text("a", point.name);
    link.href = point.url;
    box.appendChild(link);
    box.appendChild(text("p", [point.type, point.address + ", " + point.commune].join(" — ")));
    return box;
  }

  function draw(container) {
    var source = document.getElementById(container.dataset.points);
    if (!source || typeof L === "undefined") {
      return;
    }
    var points = JSON.parse(source.textContent);
    if (!points.length) {
      return;
    }
    container.hidden = false;
    var map = L.map(container, { attributionControl: Boolean(container.dataset.tilesUrl) });
    if (container.dataset.tilesUrl) {
      L.tileLayer(container.dataset.tilesUrl, {
        maxZoom: 18,
        attribution: container.dataset.tilesAttribution || "",
      }).addTo(map);
    }
    var icon = L.icon({
      iconUrl: container.dataset.iconUrl,
      iconRetinaUrl: container.dataset.iconRetinaUrl,
      shadowUrl: container.dataset.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      shadowSize: [41, 41],
    });
    var bounds = [];
    points.forEach(function (point) {
      var marker = L.marker([point.lat, point.lon], { icon: icon, alt: point.name, title: point.name, keyboard: true });
      marker.bindPopup(popup(point));
      marker.addTo(map);
      bounds.push([point.lat, point.lon]);
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 15);
    } else {
      map.fitBounds(bounds, { padding: [24, 24] });
    }
  }

  function init() {
    document.querySelectorAll("[data-map]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
