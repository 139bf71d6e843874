# proctour's tracer: loaded by every Python process of a traced run through
# PYTHONPATH. It reports what the program does to proctour over a Unix
# socket; see proctour_trace/__init__.py.
try:
    import proctour_trace as _proctour_trace
    _proctour_trace.boot()
except Exception as _e:  # a broken tracer must not break the program
    import sys as _sys
    _sys.__stderr__.write("proctour: tracer failed to start: %r\n" % (_e,))
else:
    _proctour_trace.chain_sitecustomize(__file__)
