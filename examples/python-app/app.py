"""Proves the locked dependencies work in the image: requests, PyYAML's C
loader and charset-normalizer's compiled detector, all installed by pare
from wheels without pip."""
import charset_normalizer
import requests
import yaml
from charset_normalizer import md

doc = yaml.load("greeting: hello\nitems: [1, 2]\n", Loader=yaml.CLoader)
best = charset_normalizer.from_bytes("héllo wörld, ça va? déjà vu".encode("utf-8")).best()
req = requests.Request("GET", "http://127.0.0.1:8080/", params={"greeting": doc["greeting"]}).prepare()
print(f"requests {requests.__version__} prepared {req.url}")
print(f"yaml {yaml.__version__} libyaml={yaml.__with_libyaml__} loaded {doc}")
print(f"charset_normalizer {charset_normalizer.__version__} compiled={md.__file__.endswith('.so')} guessed {best.encoding}")
