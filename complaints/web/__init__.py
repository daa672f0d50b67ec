"""The advocate's desk: a local web interface over the same library the command line uses.

    serve     the server: one project folder, 127.0.0.1, one at a time (serve.py)
    app       the application: its pages, its wording, its safety (app.py)
    view      what every page shares: the page's language, its wording, CSRF, forms, the project (view.py)
    words     the interface's wording in Russian, Kazakh and English, from words/*.yaml (words.py)
    problems  a case file's problems in the page's language (problems.py)
    safety    names and paths a request brings, kept inside the project (safety.py)
    pages/    one module per page, each a call into the library
"""
