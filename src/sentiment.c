/* sentiment.c - placeholder until its module lands. */
