"""The ribbon's buttons as a local page (`annex-tools serve`), for PCs without Excel: WPS on
Windows, 信创 Linux (Kylin, UOS). Flask for the routes and Jinja template, waitress as the server:
both pure Python (nothing to compile on Kylin/UOS or Windows), long maintained by the Pallets
project and the Pylons project, and waitress runs on Windows as on Linux; the use cases are
blocking functions, so a threaded WSGI server is the natural fit. Imported only by `serve`."""
