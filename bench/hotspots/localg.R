# Gi* (spdep localG with include.self, binary weights) + Benjamini-Hochberg on the files written by
# run.ts. Usage: Rscript localg.R DIR ROUNDS. Writes DIR/r-z*.txt, DIR/r-pbh*.txt and DIR/r-times.json.
suppressPackageStartupMessages(library(spdep))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
rounds <- as.integer(args[2])
t0 <- Sys.time()
x <- scan(file.path(dir, "counts.txt"), quiet = TRUE)
# The same counts plus seeded noise: every value, z and p distinct.
x2 <- scan(file.path(dir, "continuous.txt"), quiet = TRUE)
lines <- readLines(file.path(dir, "neighbours.txt"))
nb <- lapply(strsplit(lines, " ", fixed = TRUE), function(s) if (length(s) == 0 || s[1] == "") 0L else sort(as.integer(s)))
class(nb) <- "nb"
attr(nb, "region.id") <- as.character(seq_along(nb))
read_s <- as.numeric(Sys.time() - t0, units = "secs")
build <- c(); localg <- c(); padj <- c(); cont <- c()
for (r in seq_len(rounds)) {
  t1 <- Sys.time()
  lw <- nb2listw(include.self(nb), style = "B")
  t2 <- Sys.time()
  z <- as.numeric(localG(x, lw))
  t3 <- Sys.time()
  p <- 2 * pnorm(-abs(z))
  q <- p.adjust(p, "BH")
  t4 <- Sys.time()
  z2 <- as.numeric(localG(x2, lw))
  q2 <- p.adjust(2 * pnorm(-abs(z2)), "BH")
  t5 <- Sys.time()
  build <- c(build, as.numeric(t2 - t1, units = "secs"))
  cont <- c(cont, as.numeric(t5 - t4, units = "secs"))
  localg <- c(localg, as.numeric(t3 - t2, units = "secs"))
  padj <- c(padj, as.numeric(t4 - t3, units = "secs"))
}
writeLines(sprintf("%.17g", z), file.path(dir, "r-z.txt"))
writeLines(sprintf("%.17g", q), file.path(dir, "r-pbh.txt"))
writeLines(sprintf("%.17g", z2), file.path(dir, "r-z2.txt"))
writeLines(sprintf("%.17g", q2), file.path(dir, "r-pbh2.txt"))
cat(sprintf('{"read": %.6f, "build": [%s], "localG": [%s], "padjust": [%s], "continuous": [%s], "spdep": "%s", "R": "%s"}\n',
  read_s, paste(build, collapse = ","), paste(localg, collapse = ","), paste(padj, collapse = ","),
  paste(cont, collapse = ","),
  as.character(packageVersion("spdep")), R.version.string), file = file.path(dir, "r-times.json"))
