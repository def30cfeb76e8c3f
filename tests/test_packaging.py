"""The layout: templates/ and static/ live beside the consult package in a checkout (which the
editable install and `make run` use), and a built wheel carries them inside the package. Either
way the app finds them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from consult import assets
from consult.exports import pdf_worker

ROOT = Path(__file__).resolve().parents[1]
PIP_WHEEL = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]


def test_a_checkout_serves_the_top_level_templates_and_static_files(app, client):
    assert assets.TEMPLATES == ROOT / "templates"
    assert assets.STATIC == ROOT / "static"
    assert Path(app.template_folder) == ROOT / "templates"
    assert Path(app.static_folder) == ROOT / "static"
    assert pdf_worker.STATIC_DIR == assets.STATIC
    assert client.get("/static/css/app.css").status_code == 200
    assert client.get("/privacy").status_code == 200


_IN_THE_WHEEL = """
import json, consult
from consult import assets
app = consult.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SERVER_NAME": "consult.test"})
with app.app_context():
    base = app.jinja_env.get_template("base.html").filename
    print_template = app.jinja_env.get_template("exports/print/document.html").filename
    css = app.test_client().get("/static/css/app.css")
print(json.dumps({
    "package": consult.__file__, "templates": str(assets.TEMPLATES), "static": str(assets.STATIC),
    "base": base, "print": print_template, "css": css.status_code,
}))
"""


def test_a_built_wheel_carries_the_templates_and_static_files_and_the_app_finds_them(tmp_path):
    subprocess.run(
        [*PIP_WHEEL, "--wheel-dir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("consult-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    assert {"consult/templates/base.html", "consult/static/css/app.css"} <= names
    assert not any(name.startswith(("templates/", "static/", "tests/")) for name in names)

    environment = {
        **os.environ,
        "PYTHONPATH": str(tmp_path / "site"),  # before the editable install's checkout
        "CONSULT_ENV": "test",
        "SECRET_KEY": "a-secret-key-long-enough-for-the-wheel-test",
    }
    ran = subprocess.run(
        [sys.executable, "-c", _IN_THE_WHEEL],
        cwd=tmp_path,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(ran.stdout.strip().splitlines()[-1])
    site = str(tmp_path / "site" / "consult")
    assert found["package"].startswith(site)
    assert found["templates"] == f"{site}/templates" and found["static"] == f"{site}/static"
    assert found["base"].startswith(site) and found["print"].startswith(site)
    assert found["css"] == 200
