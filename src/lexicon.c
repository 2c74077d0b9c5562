/* lexicon.c - placeholder until its module lands. */
