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
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "htmx.org/LICENSE": "htmx/LICENSE",
}


def main() -> None:
    for source, target in FILES.items():
        destination = TARGET / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MODULES / source, destination)
        print(f"{source} -> static/vendor/{target}")


if __name__ == "__main__":
    main()
