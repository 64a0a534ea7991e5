"""akrim: the shared platform of Sweden's regional centres against work-related crime."""
