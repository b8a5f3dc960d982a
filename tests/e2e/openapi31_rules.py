"""Checks a document against the rules of OpenAPI 3.1 that a generator can get wrong.

The official OAS 3.1 JSON Schema is not packaged in Debian, so these rules are transcribed from
the specification's text: required fields, path templating (every template variable declared as
a required path parameter, and no undeclared path parameter), operation and response objects,
parameter locations, security schemes by type, security requirements naming defined schemes, and
every embedded schema checked against the JSON Schema 2020-12 metaschema that python3-jsonschema
ships. Returns the list of violations (empty when valid).
"""
import re

import jsonschema

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
PARAM_IN = {"query", "header", "path", "cookie"}
STATUS_KEY = re.compile(r"^(default|[1-5](\d\d|XX))$")


def _check_schema(schema, where, errors):
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        errors.append(f"{where}: invalid JSON Schema: {e.message}")


def _check_content(content, where, errors):
    if not isinstance(content, dict):
        errors.append(f"{where}: content must be an object")
        return
    for media, obj in content.items():
        if "/" not in media:
            errors.append(f"{where}: '{media}' is not a media type")
        if "schema" in obj:
            _check_schema(obj["schema"], f"{where}.{media}.schema", errors)


def violations(doc):
    errors = []
    if not re.match(r"^3\.1\.\d+(-.+)?$", str(doc.get("openapi", ""))):
        errors.append("openapi must be 3.1.x")
    info = doc.get("info")
    if not isinstance(info, dict) or not isinstance(info.get("title"), str) or \
            not isinstance(info.get("version"), str):
        errors.append("info.title and info.version are required strings")
    if not any(k in doc for k in ("paths", "components", "webhooks")):
        errors.append("one of paths, components, webhooks is required")
    allowed = {"openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks",
               "components", "security", "tags", "externalDocs"}
    for key in doc:
        if key not in allowed and not key.startswith("x-"):
            errors.append(f"unknown top-level field {key}")
    for server in doc.get("servers", []):
        if not isinstance(server.get("url"), str):
            errors.append("server without url")
    schemes = doc.get("components", {}).get("securitySchemes", {})
    for name, s in schemes.items():
        if not re.match(r"^[a-zA-Z0-9._-]+$", name):
            errors.append(f"security scheme name {name!r} has invalid characters")
        t = s.get("type")
        if t == "apiKey":
            if s.get("in") not in {"query", "header", "cookie"} or not s.get("name"):
                errors.append(f"apiKey scheme {name} needs name and in")
        elif t == "http":
            if not s.get("scheme"):
                errors.append(f"http scheme {name} needs scheme")
        elif t not in {"mutualTLS", "oauth2", "openIdConnect"}:
            errors.append(f"security scheme {name} has invalid type {t!r}")
    seen_templates = set()
    for path, item in doc.get("paths", {}).items():
        if not path.startswith("/"):
            errors.append(f"path {path!r} must start with /")
        variables = re.findall(r"{([^}]+)}", path)
        if len(variables) != len(set(variables)):
            errors.append(f"path {path} repeats a template variable")
        shape = re.sub(r"{[^}]+}", "{}", path)
        if shape in seen_templates:
            errors.append(f"path {path} is identical to another once parameters are renamed")
        seen_templates.add(shape)
        for method, op in item.items():
            if method not in METHODS and method not in {"summary", "description", "servers",
                                                        "parameters"}:
                errors.append(f"{path}: invalid field {method}")
                continue
            if method not in METHODS:
                continue
            where = f"{method.upper()} {path}"
            declared = set()
            for p in op.get("parameters", []):
                if p.get("in") not in PARAM_IN or not isinstance(p.get("name"), str):
                    errors.append(f"{where}: parameter needs name and a valid in")
                    continue
                if ("schema" in p) == ("content" in p):
                    errors.append(f"{where}: parameter {p['name']} needs schema xor content")
                if "schema" in p:
                    _check_schema(p["schema"], f"{where} parameter {p['name']}", errors)
                if p["in"] == "path":
                    if p.get("required") is not True:
                        errors.append(f"{where}: path parameter {p['name']} must be required")
                    declared.add(p["name"])
            if declared != set(variables):
                errors.append(f"{where}: path parameters {sorted(declared)} != template "
                              f"{sorted(variables)}")
            if "requestBody" in op:
                if "content" not in op["requestBody"]:
                    errors.append(f"{where}: requestBody needs content")
                else:
                    _check_content(op["requestBody"]["content"], f"{where} requestBody", errors)
            responses = op.get("responses")
            if not isinstance(responses, dict) or not responses:
                errors.append(f"{where}: responses required")
                responses = {}
            for code, r in responses.items():
                if not STATUS_KEY.match(code):
                    errors.append(f"{where}: invalid response key {code}")
                if not isinstance(r.get("description"), str):
                    errors.append(f"{where} {code}: description required")
                if "content" in r:
                    _check_content(r["content"], f"{where} {code}", errors)
            for requirement in op.get("security", []):
                for name in requirement:
                    if name not in schemes:
                        errors.append(f"{where}: security names undefined scheme {name}")
    return errors
