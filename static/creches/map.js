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

  function readJson(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : [];
  }

  // Without a tile server, the territory itself is the background: each commune as a labelled
  // disc around its centre, half-way to its nearest neighbour so that discs do not overlap.
  function drawCommunes(map, communes) {
    var centres = communes.map(function (commune) {
      return L.latLng(commune.lat, commune.lon);
    });
    communes.forEach(function (commune, index) {
      var nearest = Infinity;
      centres.forEach(function (other, otherIndex) {
        if (otherIndex !== index) {
          nearest = Math.min(nearest, centres[index].distanceTo(other));
        }
      });
      var radius = Math.min(Math.max(isFinite(nearest) ? nearest / 2 : 4000, 800), 4000);
      L.circle(centres[index], {
        radius: radius,
        interactive: false,
        color: "#5c5c5c",
        weight: 1,
        fillColor: "#e8eef3",
        fillOpacity: 1,
      })
        .bindTooltip(commune.name, { permanent: true, direction: "center", className: "map-commune", interactive: false })
        .addTo(map);
    });
    return centres;
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
    var bounds = [];
    if (container.dataset.tilesUrl) {
      L.tileLayer(container.dataset.tilesUrl, {
        maxZoom: 18,
        attribution: container.dataset.tilesAttribution || "",
      }).addTo(map);
    } else {
      container.classList.add("map--territory");
      bounds = drawCommunes(map, readJson(container.dataset.communes));
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
    points.forEach(function (point) {
      var marker = L.marker([point.lat, point.lon], { icon: icon, alt: point.name, title: point.name, keyboard: true });
      marker.bindPopup(popup(point));
      marker.addTo(map);
      bounds.push([point.lat, point.lon]);
    });
    if (points.length === 1) {
      map.setView([points[0].lat, points[0].lon], container.dataset.tilesUrl ? 15 : 12);
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
