"""The GitHub Pages workflow: valid YAML that sets up as the README says, builds with PDFs,
keeps the PDF cache between runs and deploys with the Pages actions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def uses(job: dict[str, Any], action: str) -> dict[str, Any]:
    found = [s for s in steps(job) if str(s.get("uses", "")).split("@")[0] == action]
    assert len(found) == 1, f"one step using {action}"
    assert re.fullmatch(r"v\d+", found[0]["uses"].split("@")[1]), "a released major version"
    return found[0]


def test_runs_on_pushes_to_main_with_the_pages_permissions(workflow: dict[Any, Any]) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] and workflow["concurrency"]["cancel-in-progress"] is False


def test_build_job_sets_up_as_the_readme_says_and_builds_with_pdfs(workflow: dict[Any, Any]) -> None:
    build = workflow["jobs"]["build"]
    assert build["container"] == "debian:12"  # the README's machine; the job runs there as root
    uses(build, "actions/checkout")
    runs = [s["run"] for s in steps(build) if "run" in s]
    assert any(re.search(r"^make build$", r, re.M) for r in runs)
    assert not any("--no-pdf" in r for r in runs)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make build" in readme and "Debian 12" in readme
    order = [str(s.get("uses", s.get("run", ""))) for s in steps(build)]
    at = {name: next(i for i, s in enumerate(order) if name in s)
          for name in ("actions/checkout", "actions/cache", "make build", "actions/upload-pages-artifact")}
    assert at["actions/checkout"] < at["actions/cache"] < at["make build"] < at["actions/upload-pages-artifact"]


def test_the_pdf_cache_is_kept_between_runs(workflow: dict[Any, Any]) -> None:
    cache = uses(workflow["jobs"]["build"], "actions/cache")["with"]
    assert cache["path"] == "build/.docpub-cache"
    assert cache["restore-keys"] and cache["key"].startswith(cache["restore-keys"])
    assert "github.sha" in cache["key"]  # a new key each run, restored from the newest


def test_the_site_is_uploaded_and_deployed(workflow: dict[Any, Any]) -> None:
    assert uses(workflow["jobs"]["build"], "actions/upload-pages-artifact")["with"]["path"] == "build/site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    step = uses(deploy, "actions/deploy-pages")
    assert deploy["environment"]["url"] == f"${{{{ steps.{step['id']}.outputs.page_url }}}}"
