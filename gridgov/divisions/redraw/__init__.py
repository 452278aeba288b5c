"""Redrawing grids on the platform (issue 4; the Django flow around the `gridgov.partition` engine): the partition engine adapter, proposals, publishing
a proposal (moving every dependent record), administrative re-division and grid health.

Modules: models (StreetLine, GridProposal, DivisionChange), streets (save_streets), loaders
(database → engine input), jobs (start_partition, the run_partition job handler), proposals
(stable codes, assignment, what moves), publish (publish_proposal, discard_proposal),
dependents (the explicit list of records that follow a grid), redivision (move_community,
merge_communities), counts, health (unhealthy_grids), forms/views/urls (the 网格划分 pages).
See docs/adr/0008-publishing-grids.md.
"""
