"""Converts a MapBox GL style with QGIS's own converter (QgsMapBoxGlStyleConverter), draws an MBTiles file of
vector tiles with the result, and prints, as JSON, how many pixels of the picture are near each status colour.

Usage: QT_QPA_PLATFORM=offscreen python3 qgis_render.py STYLE.json TILES.mbtiles LON LAT ZOOM [OUT.png]
"""
import json
import os
import sys

from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsCoordinateTransform,
                       QgsMapBoxGlStyleConversionContext, QgsMapBoxGlStyleConverter, QgsMapRendererSequentialJob,
                       QgsMapSettings, QgsPointXY, QgsProject, QgsRectangle, QgsVectorTileLayer)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

COLOURS = {"ru": "#D55E00", "ua": "#0072B2", "disputed": "#CC79A7", "contested": "#E69F00", "unknown": "#999999"}

app = QgsApplication([], False)
app.initQgis()
style_path, tiles_path, lon, lat, zoom = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
with open(style_path) as f:
    style = json.load(f)
converter = QgsMapBoxGlStyleConverter()
context = QgsMapBoxGlStyleConversionContext()
result = converter.convert(style, context)
layer = QgsVectorTileLayer("type=mbtiles&url=" + tiles_path, "tiled")
layer.setRenderer(converter.renderer())

mercator = QgsCoordinateReferenceSystem("EPSG:3857")
centre = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), mercator, QgsProject.instance()).transform(
    QgsPointXY(lon, lat))
half = 256 * 156543.03392804097 / 2 ** zoom  # half of 512 pixels at the zoom, in metres
settings = QgsMapSettings()
settings.setLayers([layer])
settings.setDestinationCrs(mercator)
settings.setOutputSize(QSize(512, 512))
settings.setExtent(QgsRectangle(centre.x() - half, centre.y() - half, centre.x() + half, centre.y() + half))
settings.setBackgroundColor(QColor(255, 255, 255))
job = QgsMapRendererSequentialJob(settings)
job.start()
job.waitForFinished()
image = job.renderedImage()
if len(sys.argv) > 6:
    image.save(sys.argv[6])

targets = {name: QColor(hex_) for name, hex_ in COLOURS.items()}
pixels = {name: 0 for name in COLOURS}
for x in range(image.width()):
    for y in range(image.height()):
        c = QColor(image.pixel(x, y))
        for name, t in targets.items():
            if abs(c.red() - t.red()) + abs(c.green() - t.green()) + abs(c.blue() - t.blue()) <= 48:  # the circles are 90 % opaque over the background
                pixels[name] += 1
print(json.dumps({"converted": result == QgsMapBoxGlStyleConverter.Success, "error": converter.errorMessage(),
                  "warnings": context.warnings(), "layer_valid": layer.isValid(), "pixels": pixels}), flush=True)
os._exit(0)  # QGIS 3.22 can crash tearing down at exit; the result is printed already
