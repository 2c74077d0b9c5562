/* features.c - placeholder until its module lands. */
