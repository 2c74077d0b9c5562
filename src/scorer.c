/* scorer.c - placeholder until its module lands. */
