def repair(*a, **k): raise NotImplementedError
split_grid = merge_grids = redraw_area = repair
