// Models are built from torch's one global random generator (manual_seed, then the weights):
// test classes running side by side would draw from it in turn and get other weights.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
