/* report.c - placeholder until its module lands. */
