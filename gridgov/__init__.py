"""gridgov — 网格化社会治理综合信息平台 (grid-based community governance and service platform)."""
