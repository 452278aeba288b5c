"""Drawing grids on the platform (issue 4): the partition engine adapter, proposals, publishing
a proposal (moving every dependent record), administrative re-division and grid health.

Modules: models (StreetLine, GridProposal, DivisionChange), loaders (database → engine input),
jobs (the background "draw grids" job), publish (publish_proposal), dependents (the explicit list
of records that follow a grid), redivision (move_community, merge_communities), health,
streets (save_streets), views/forms/urls (the 网格划分 pages).
"""
