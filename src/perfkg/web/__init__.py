"""perfkg's web application (Starlette on uvicorn): the SPARQL endpoint, the query library, the workbench pages."""
