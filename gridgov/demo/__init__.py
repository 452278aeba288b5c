"""The demo district generator (`gridgov demo`): real 武陵区 division names and codes, with
generated outline, street/community polygons, roads, buildings and grids (see
docs/adr/0007-demo-district.md). `plan` is pure (no database), `load` writes a plan in bulk,
`generate` runs the whole pipeline including the apps' own demo modules."""
