/* normalise.c - placeholder until its module lands. */
