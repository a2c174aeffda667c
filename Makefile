# The build lives in Makefile.apxs (apxs, the httpd way).
include Makefile.apxs
