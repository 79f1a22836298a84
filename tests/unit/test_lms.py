"""scripts/lms.py: the SCORM 1.2 and 2004 packages and the IMS Common Cartridge.

The SCORM manifests are validated against the official schemas shipped in tests/lms_schemas/
(see its README: where they come from). No schema of IMS Common Cartridge 1.3 could be had
from a package registry, so the cartridge's manifest is validated against the IMS Content
Packaging schema it profiles (CP 1.1.4, shipped with SCORM 2004, under the cartridge's
namespace), and the rules that the CC 1.3 profile adds, and its web link files, are checked
one by one (test_the_cartridge_has_the_weeks_and_resolves).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import lms  # noqa: E402

SCHEMAS = ROOT / "tests" / "lms_schemas"
SITE = "https://courses.example.edu/mfml/"


def fake_course(capstone: bool = True) -> dict:
    chapters, exercises = [], []
    weeks = []
    for w in range(1, 9):
        numbers = [2 * w - 1, 2 * w]
        weeks.append({"number": w, "title": f"Week {w} & more", "chapters": numbers, "labs": [w]})
        for n in numbers:
            ids = [f"{n}.{i}" for i in range(1, 41)]
            chapters.append(
                {
                    "number": n,
                    "title": f"Chapter <{n}>",
                    "week": w,
                    "path": f"chapters/part1/ch{n:02d}-x.ipynb",
                    "exercises_path": f"exercises/ch{n:02d}-exercises.ipynb",
                    "exercises": ids,
                }
            )
            exercises += [{"id": i, "chapter": n, "automatic": not i.endswith(".40")} for i in ids]
    labs = [
        {"number": w["number"], "title": "Lab", "path": f"labs/lab{w['number']:02d}.ipynb"}
        for w in weeks
    ]
    course = {
        "title": "Maths & ML",
        "weeks": weeks,
        "chapters": chapters,
        "labs": labs,
        "exercises": exercises,
    }
    if capstone:  # as site_post.manifest writes it: 2 notebooks, 18 tasks, 16 auto-checked
        ids = [f"C.{i}" for i in range(1, 19)]
        exercises += [
            {"id": i, "chapter": "C", "automatic": i not in ("C.17", "C.18")} for i in ids
        ]
        course["capstone"] = {
            "title": "Regression <from scratch>",
            "path": "chapters/capstone/capstone.ipynb",
            "week": 8,
            "notebooks": [
                {"number": 1, "title": "Start", "path": "chapters/capstone/capstone.ipynb"},
                {"number": 2, "title": "Solver", "path": "chapters/capstone/c2.ipynb"},
            ],
            "exercises_path": "exercises/capstone-exercises.ipynb",
            "exercises": ids,
        }
    return course


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lms")
    lms.build(fake_course(), SITE, out)
    return out


def read(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_without_site_url_it_says_what_it_needs(capsys):
    assert lms.main([]) == 2
    assert "SITE_URL=" in capsys.readouterr().err
    assert lms.main(["--site-url", "ftp://x/"]) == 2


def test_site_url_is_normalized():
    assert lms.normalize_site_url("https://a.b/c") == "https://a.b/c/"
    assert lms.origin_of("https://a.b:8443/c/") == "https://a.b:8443"
    with pytest.raises(ValueError):
        lms.normalize_site_url("https://a.b/c?x=1")


def test_units_follow_the_weeks():
    course = fake_course()
    units = lms.units(course)
    assert [u["slug"] for u in units] == [f"week-{w}" for w in range(1, 9)] + [
        "capstone",
        "course",
    ]
    assert [u["kind"] for u in units] == ["week"] * 8 + ["capstone", "course"]
    week1 = units[0]
    assert [i["path"] for i in week1["items"]] == [
        "chapters/part1/ch01-x.ipynb",
        "exercises/ch01-exercises.ipynb",
        "chapters/part1/ch02-x.ipynb",
        "exercises/ch02-exercises.ipynb",
        "labs/lab01.ipynb",
    ]
    assert len(week1["exercises"]) == 80 and len(week1["automatic"]) == 78
    assert len(units[-1]["exercises"]) == 640 + 18
    assert len(units[-1]["automatic"]) == 16 * 39 + 16


def test_the_capstone_is_a_unit_and_part_of_its_week():
    course = fake_course()
    units = {u["slug"]: u for u in lms.units(course)}
    capstone = units["capstone"]
    paths = [
        "chapters/capstone/capstone.ipynb",
        "chapters/capstone/c2.ipynb",
        "exercises/capstone-exercises.ipynb",
    ]
    assert capstone["title"] == "Capstone: Regression <from scratch>"
    assert [i["path"] for i in capstone["items"]] == paths
    assert capstone["exercises"] == [f"C.{i}" for i in range(1, 19)]
    # its score is a week's: the auto-checked tasks (16 of 18) are the maximum
    assert capstone["automatic"] == [f"C.{i}" for i in range(1, 17)]
    week8 = units["week-8"]
    assert [i["path"] for i in week8["items"]][-3:] == paths
    assert {i.get("group") for i in week8["items"][-3:]} == {capstone["title"]}
    assert week8["exercises"][-18:] == capstone["exercises"]
    assert len(week8["automatic"]) == 78 + 16
    # the whole course has it once
    course_unit = units["course"]
    assert [i["path"] for i in course_unit["items"]].count(paths[1]) == 1
    assert course_unit["exercises"].count("C.1") == 1
    # a capstone with no week of its own still joins the whole course
    course["capstone"]["week"] = None
    units = {u["slug"]: u for u in lms.units(course)}
    assert "C.1" not in units["week-8"]["exercises"]
    assert units["course"]["exercises"][-18:] == capstone["exercises"]
    # and a course with no capstone has no such unit
    assert "capstone" not in [u["slug"] for u in lms.units(fake_course(capstone=False))]


def test_the_capstone_package_scores_its_tasks(built):
    for version in ("scorm12", "scorm2004"):
        page = read(built / version / "mfml-capstone.zip")["index.html"].decode()
        config = json.loads(page.split('id="mfml-lms-config">')[1].split("</script>")[0])
        assert config["title"] == "Capstone: Regression <from scratch>"
        assert config["automatic"] == [f"C.{i}" for i in range(1, 17)]
        assert config["threshold"] == lms.PASS_THRESHOLD
        assert all(set(item) == {"title", "path"} for item in config["items"])


def test_every_package_is_small_and_points_only_at_the_site(built):
    packages = sorted(built.rglob("*.zip"))
    assert len(packages) == 2 * (8 + 2)  # weeks, the capstone and the course, in 2 versions
    for path in packages:
        assert path.stat().st_size < 20_000, path
        files = read(path)
        assert sorted(files) == ["imsmanifest.xml", "index.html", "wrapper.js"]
        for name in ("index.html", "wrapper.js"):
            urls = re.findall(r"https?://[^\s\"'<>)]+", files[name].decode())
            assert all(u.startswith(lms.origin_of(SITE)) for u in urls), (path, name, urls)
        assert f'"origin":"{SITE[: -len("/mfml/")]}"' in files["index.html"].decode()
    # the same sources give the same bytes
    again = Path(str(built) + "-again")
    lms.build(fake_course(), SITE, again)
    assert (again / "scorm12" / "mfml-week-1.zip").read_bytes() == (
        built / "scorm12" / "mfml-week-1.zip"
    ).read_bytes()
    shutil.rmtree(again)


def test_the_launch_page_escapes_titles(built):
    page = read(built / "scorm2004" / "mfml-week-1.zip")["index.html"].decode()
    assert "<title>Week 1: Week 1 &amp; more</title>" in page
    assert "</script>" not in page.split('id="mfml-lms-config">')[1].split("</script>")[0]


def schema(version: str, tmp_path: Path):
    import xmlschema  # pinned in requirements.txt: a missing validator fails, never skips

    for name in ("scorm12", "scorm2004"):
        shutil.copytree(SCHEMAS / name, tmp_path / name)
    if version == "1.2":
        # ims_xml.xsd of SCORM 1.2 declares the reserved prefix xml, which strict parsers
        # refuse; the W3C's xml.xsd (shipped with 2004) declares the same attributes
        folder = tmp_path / "scorm12"
        shutil.copyfile(tmp_path / "scorm2004" / "xml.xsd", folder / "ims_xml.xsd")
        return xmlschema.XMLSchema(
            str(folder / "imscp_rootv1p1p2.xsd"),
            locations=[
                ("http://www.adlnet.org/xsd/adlcp_rootv1p2", str(folder / "adlcp_rootv1p2.xsd"))
            ],
        )
    folder = tmp_path / "scorm2004"
    return xmlschema.XMLSchema(
        str(folder / "imscp_v1p1.xsd"),
        locations=[
            ("http://www.adlnet.org/xsd/adlcp_v1p3", str(folder / "adlcp_v1p3.xsd")),
            ("http://www.imsglobal.org/xsd/imsss", str(folder / "imsss_v1p0.xsd")),
            ("http://www.adlnet.org/xsd/adlseq_v1p3", str(folder / "adlseq_v1p3.xsd")),
            ("http://www.adlnet.org/xsd/adlnav_v1p3", str(folder / "adlnav_v1p3.xsd")),
        ],
    )


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_scorm_manifests_are_valid(built, tmp_path, version):
    xsd = schema(version, tmp_path)
    folder = built / f"scorm{version.replace('.', '')}"
    for path in sorted(folder.glob("*.zip")):
        manifest = read(path)["imsmanifest.xml"].decode()
        xsd.validate(manifest)
    # the schemas do reject a wrong manifest
    broken = manifest.replace('ormtype="sco"', 'ormtype="lesson"').replace(
        'ormType="sco"', 'ormType="lesson"'
    )
    assert broken != manifest and not xsd.is_valid(broken)
    assert not xsd.is_valid(
        manifest.replace("<organizations", "<organisations").replace(
            "</organizations", "</organisations"
        )
    )


CC = "{http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1}"
WL = "{http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3}"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"


def test_the_cartridge_manifest_is_a_valid_content_package(built, tmp_path):
    """CC 1.3's manifest schema (ccv1p3_imscp_v1p2_v1p0.xsd) is a profile of IMS Content
    Packaging in its own namespace; none of the CC 1.3 schemas is in a package registry
    (tests/lms_schemas/README.md). So the manifest is validated against IMS CP 1.1.4 (in
    scorm2004/), read in CP's namespace: element names, order, nesting, required attributes
    and identifier types. The LOM metadata inside is not validated (CP admits it laxly)."""
    import xmlschema

    shutil.copytree(SCHEMAS / "scorm2004", tmp_path / "cp")
    xsd = xmlschema.XMLSchema(str(tmp_path / "cp" / "imscp_v1p1.xsd"))
    manifest = read(built / "mfml-course.imscc")["imsmanifest.xml"].decode()
    as_cp = manifest.replace(lms.CC_NS, CP_NS)
    assert as_cp != manifest
    xsd.validate(as_cp)
    # the schema does reject a wrong manifest: a resource with no type, items out of place
    assert not xsd.is_valid(as_cp.replace(' type="imswl_xmlv1p3"', "", 1))
    assert not xsd.is_valid(as_cp.replace("<resources>", "<resources><item/>", 1))
    assert not xsd.is_valid(as_cp.replace('<item identifier="ROOT">', "<item>"))


def test_the_cartridge_has_the_weeks_and_resolves(built):
    """The rules of the CC 1.3 profile beyond IMS CP, checked one by one: the namespace,
    schema and version; one rooted-hierarchy organization under one root item; identifiers
    unique; every item's identifierref names a resource; every resource is a 1.3 web link
    whose file is in the cartridge, with a title and an address on the site; the capstone
    in a folder of its week."""
    files = read(built / "mfml-course.imscc")
    assert next(iter(files)) == "imsmanifest.xml"
    root = ET.fromstring(files["imsmanifest.xml"])
    assert root.tag == f"{CC}manifest"
    assert root.findtext(f"{CC}metadata/{CC}schema") == "IMS Common Cartridge"
    assert root.findtext(f"{CC}metadata/{CC}schemaversion") == "1.3.0"
    organizations = root.findall(f"{CC}organizations/{CC}organization")
    assert len(organizations) == 1
    assert organizations[0].get("structure") == "rooted-hierarchy"
    top = organizations[0].findall(f"{CC}item")
    assert len(top) == 1 and top[0].get("identifierref") is None
    weeks = [i for i in top[0].findall(f"{CC}item") if i.get("identifierref") is None]
    assert [w.findtext(f"{CC}title") for w in weeks][:2] == [
        "Week 1: Week 1 & more",
        "Week 2: Week 2 & more",
    ]
    assert len(weeks) == 8
    folders = [i for i in weeks[7].findall(f"{CC}item") if i.get("identifierref") is None]
    assert [f.findtext(f"{CC}title") for f in folders] == ["Capstone: Regression <from scratch>"]
    assert [i.findtext(f"{CC}title") for i in folders[0].findall(f"{CC}item")] == [
        "Capstone: Start",
        "Capstone: Solver",
        "Capstone exercises",
    ]
    assert not any(len(w.findall(f"{CC}item/{CC}item")) for w in weeks[:7])
    ids = [e.get("identifier") for e in root.iter() if e.get("identifier")]
    assert len(ids) == len(set(ids))
    resources = {r.get("identifier"): r for r in root.iter(f"{CC}resource")}
    refs = [i.get("identifierref") for i in root.iter(f"{CC}item") if i.get("identifierref")]
    assert sorted(refs) == sorted(resources)
    for resource in resources.values():
        assert resource.get("type") == "imswl_xmlv1p3"
        href = resource.find(f"{CC}file").get("href")
        link = ET.fromstring(files[href])
        assert link.tag == f"{WL}webLink" and link.findtext(f"{WL}title")
        assert link.find(f"{WL}url").get("href").startswith(SITE)
    assert len(resources) == 1 + 8 * 5 + 3


def test_suspend_data_fits_scorm12_for_a_week():
    """The format is "m1:" and 7 characters per exercise of the unit (wrapper.js encode);
    the browser test checks the encoder itself at the worst case."""
    for unit in lms.units(fake_course()):
        if unit["kind"] != "course":
            assert 3 + 7 * len(unit["exercises"]) <= 4096, unit["slug"]
