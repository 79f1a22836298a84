"""scripts/lms.py: the SCORM 1.2 and 2004 packages and the IMS Common Cartridge.

The SCORM manifests are validated against the official schemas shipped in tests/lms_schemas/
(see its README: where they come from). No schema of IMS Common Cartridge 1.3 could be had
from a package registry, so the cartridge is checked by the structural rules below (the
ones of the CC 1.3 profile that an import depends on).
"""

from __future__ import annotations

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


def fake_course() -> dict:
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
    return {
        "title": "Maths & ML",
        "weeks": weeks,
        "chapters": chapters,
        "labs": labs,
        "exercises": exercises,
    }


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
    assert [u["slug"] for u in units] == [f"week-{w}" for w in range(1, 9)] + ["course"]
    week1 = units[0]
    assert [i["path"] for i in week1["items"]] == [
        "chapters/part1/ch01-x.ipynb",
        "exercises/ch01-exercises.ipynb",
        "chapters/part1/ch02-x.ipynb",
        "exercises/ch02-exercises.ipynb",
        "labs/lab01.ipynb",
    ]
    assert len(week1["exercises"]) == 80 and len(week1["automatic"]) == 78
    assert len(units[-1]["exercises"]) == 640


def test_the_capstone_joins_its_week():
    course = fake_course()
    course["exercises"] += [{"id": "C.1", "chapter": "C", "automatic": True}]
    course["capstone"] = {
        "week": 8,
        "notebooks": [{"number": 1, "title": "Regression", "path": "chapters/capstone/c1.ipynb"}],
        "exercises_path": "exercises/capstone-exercises.ipynb",
        "exercises": ["C.1"],
    }
    week8 = lms.units(course)[7]
    assert [i["path"] for i in week8["items"]][-2:] == [
        "chapters/capstone/c1.ipynb",
        "exercises/capstone-exercises.ipynb",
    ]
    assert week8["exercises"][-1] == "C.1" and week8["automatic"][-1] == "C.1"


def test_every_package_is_small_and_points_only_at_the_site(built):
    packages = sorted(built.rglob("*.zip"))
    assert len(packages) == 18
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


def test_the_cartridge_has_the_weeks_and_resolves(built):
    """Structural checks of IMS CC 1.3 (no schema available): the namespace, schema and
    version; one rooted-hierarchy organization; identifiers unique; every item's
    identifierref names a resource; every resource is a 1.3 web link whose file is in the
    cartridge and whose address is on the site."""
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
    assert len(resources) == 1 + 8 * 5


def test_suspend_data_fits_scorm12_for_a_week():
    """The format is "m1:" and 7 characters per exercise of the unit (wrapper.js encode);
    the browser test checks the encoder itself at the worst case."""
    for unit in lms.units(fake_course())[:-1]:
        assert 3 + 7 * len(unit["exercises"]) <= 4096
