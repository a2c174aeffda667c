# bench/chart.gp: docs/benchmarks.png, requests/s per contender as
# horizontal bars.  bench/run calls it as
#   gnuplot -e "datafile='...'; outfile='...'; baseline='<baseline A req/s>'; subtitle='...'" bench/chart.gp
# datafile: tab-separated  index  requests/s  colour (0xRRGGBB)  label
set terminal pngcairo size 1300,660 font "DejaVu Sans,10" noenhanced
set output outfile
set datafile separator "\t"
set title "MCP tools/call add over HTTP with a bearer token: requests/s (higher is better)\n".subtitle
set style fill solid 0.85 border -1
set xlabel "requests/s"
set xrange [0:*]
set yrange [:] reverse
set offsets 0, graph 0.14, 0.6, 0.6
set ytics nomirror scale 0
set xtics nomirror
set grid xtics lc rgb "#dddddd"
set border 3
set lmargin 62
unset key
b = real(baseline)
if (b > 0) {
  set arrow from 0.85*b, graph 0 to 0.85*b, graph 1 nohead dt 2 lw 1.5 lc rgb "#1f77b4"
  set label "0.85 x baseline A" at 0.85*b, graph 1 offset 0.5, -0.8 left tc rgb "#1f77b4"
}
plot datafile using (0):1:(0):2:($1-0.38):($1+0.38):3:ytic(4) with boxxyerror lc rgb variable, \
     datafile using 2:1:(sprintf(" %d", $2)) with labels left
