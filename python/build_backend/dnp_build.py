"""A PEP 517 build backend for the `dnp` package using only the standard
library, so `pip install ./python` needs no download (Debian 12 ships pip but
pip's isolated build environment cannot fetch setuptools offline).

It builds a pure-Python wheel (the `dnp` package with its subpackages, the
metadata of pyproject.toml, the console scripts of [project.scripts]) and an
sdist. Nothing else of PEP 517 is needed by pip for a regular install.
"""
import base64
import hashlib
import io
import os
import tarfile
import tomllib
import zipfile

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_TAG = "py3-none-any"


def _project():
    with open(os.path.join(_ROOT, "pyproject.toml"), "rb") as f:
        return tomllib.load(f)["project"]


def _dist_name(project):
    return "%s-%s" % (project["name"].replace("-", "_"), project["version"])


def _package_files():
    """(path in the wheel, path on disk) of every module of `dnp`."""
    files = []
    base = os.path.join(_ROOT, "dnp")
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                path = os.path.join(dirpath, name)
                files.append((os.path.relpath(path, _ROOT).replace(os.sep, "/"),
                              path))
    return files


def _metadata(project):
    lines = ["Metadata-Version: 2.1", "Name: " + project["name"],
             "Version: " + project["version"]]
    if "description" in project:
        lines.append("Summary: " + project["description"])
    if "requires-python" in project:
        lines.append("Requires-Python: " + project["requires-python"])
    for dep in project.get("dependencies", []):
        lines.append("Requires-Dist: " + dep)
    for extra, deps in sorted(project.get("optional-dependencies",
                                          {}).items()):
        lines.append("Provides-Extra: " + extra)
        for dep in deps:
            lines.append('Requires-Dist: %s; extra == "%s"' % (dep, extra))
    text = "\n".join(lines) + "\n"
    readme = project.get("readme")
    if readme:
        with open(os.path.join(_ROOT, readme), encoding="utf-8") as f:
            text += "Description-Content-Type: text/markdown\n\n" + f.read()
    return text


def _entry_points(project):
    scripts = project.get("scripts", {})
    if not scripts:
        return None
    return "[console_scripts]\n" + "".join(
        "%s = %s\n" % (name, target) for name, target in sorted(scripts.items()))


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest())
    return "%s,sha256=%s,%d" % (name, digest.rstrip(b"=").decode(), len(data))


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    project = _project()
    dist = _dist_name(project)
    info = dist + ".dist-info"
    wheel_name = "%s-%s.whl" % (dist, _TAG)
    entries = []
    for arcname, path in _package_files():
        with open(path, "rb") as f:
            entries.append((arcname, f.read()))
    entries.append((info + "/METADATA", _metadata(project).encode()))
    entries.append((info + "/WHEEL", (
        "Wheel-Version: 1.0\nGenerator: dnp_build\nRoot-Is-Purelib: true\n"
        "Tag: %s\n" % _TAG).encode()))
    entry_points = _entry_points(project)
    if entry_points:
        entries.append((info + "/entry_points.txt", entry_points.encode()))
    record = [_record_line(name, data) for name, data in entries]
    record.append(info + "/RECORD,,")
    entries.append((info + "/RECORD", ("\n".join(record) + "\n").encode()))
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w",
                         zipfile.ZIP_DEFLATED) as wheel:
        for name, data in entries:
            # A fixed date keeps the wheel reproducible.
            zinfo = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            zinfo.external_attr = 0o644 << 16
            wheel.writestr(zinfo, data, zipfile.ZIP_DEFLATED)
    return wheel_name


def build_sdist(sdist_directory, config_settings=None):
    project = _project()
    dist = _dist_name(project)
    name = dist + ".tar.gz"
    files = [("pyproject.toml", os.path.join(_ROOT, "pyproject.toml")),
             ("build_backend/dnp_build.py", os.path.abspath(__file__))]
    readme = project.get("readme")
    if readme:
        files.append((readme, os.path.join(_ROOT, readme)))
    files += _package_files()
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as tar:
        for arcname, path in files:
            tar.add(path, arcname=dist + "/" + arcname)
        pkg_info = _metadata(project).encode()
        tinfo = tarfile.TarInfo(dist + "/PKG-INFO")
        tinfo.size = len(pkg_info)
        tar.addfile(tinfo, io.BytesIO(pkg_info))
    return name
