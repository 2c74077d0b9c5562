# median.awk - median(s): the median of the numbers in the space-separated
# string s (the mean of the middle two for an even count). For binding.sh
# and cluster.sh, which collect one string of figures per run kind.
function median(s,   a, k, i, j, t) {
  k = split(s, a, " ")
  for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
  return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
