"""The command-line adapter end to end on temporary files."""

import json
import subprocess
import sys

import pytest

from gridgov.partition.cli import main

from .tiny import buildings_in_blocks, grid_streets, one_area


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, obj in (("b", buildings_in_blocks(60)), ("s", grid_streets()), ("a", one_area())):
        p = tmp_path / f"{name}.geojson"
        p.write_text(json.dumps(obj), encoding="utf-8")
        paths[name] = str(p)
    paths["out"] = str(tmp_path / "grids.geojson")
    paths["report"] = str(tmp_path / "report.json")
    return paths


def _args(f, *extra):
    return ["--buildings", f["b"], "--streets", f["s"], "--boundary", f["a"], "--out", f["out"], *extra]


def test_cli_partition_and_repair(files, capsys):
    # 16 blocks × 60 = 960 households -> 2 grids
    assert main(_args(files, "--report", files["report"])) == 0
    out = capsys.readouterr().out
    assert "网格 2 个" in out
    grids = json.load(open(files["out"], encoding="utf-8"))
    report = json.load(open(files["report"], encoding="utf-8"))
    assert len(grids["features"]) == 2 and report["share_in_range"] == 1.0
    # repair with --previous
    assert main(_args(files, "--previous", files["out"])) == 0
    assert "动态调整" in capsys.readouterr().out


def test_cli_bad_input_exit_2(files, tmp_path, capsys):
    bad = json.load(open(files["b"], encoding="utf-8"))
    bad["features"][4]["properties"]["households"] = -1
    p = tmp_path / "bad.geojson"
    p.write_text(json.dumps(bad), encoding="utf-8")
    f = dict(files, b=str(p))
    assert main(_args(f)) == 2
    assert "建筑 B4 的户数 -1 为负数" in capsys.readouterr().err


def test_cli_missing_file_and_bad_target(files, capsys):
    assert main(_args(dict(files, s="/nonexistent/s.geojson"))) == 2
    assert "街巷文件 /nonexistent/s.geojson 不存在" in capsys.readouterr().err
    assert main(_args(files, "--target", "lots")) == 2


def test_cli_target_and_bounds(files):
    assert main(_args(files, "--min", "100", "--max", "250", "--target", "max")) == 0
    grids = json.load(open(files["out"], encoding="utf-8"))
    assert len(grids["features"]) == 9  # ⌊960/100⌋ = 9


def test_python_dash_m(files):
    proc = subprocess.run(
        [sys.executable, "-m", "gridgov.partition", *_args(files)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert "网格" in proc.stdout
