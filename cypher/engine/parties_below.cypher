// The given parties and every party below them through ownership and control (any date), at most
// $below_limit of them, in one statement (`fragments/parties_below`).
// Parameters: $below_ids, $below_known, $below_limit
:include parties_below
