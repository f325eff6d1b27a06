"""Write the certificate and key fixtures of the CRT rules (run once; the output is committed).

    python -m tests.make_cert_fixtures

Every key and certificate is generated here for the fixtures only and protects nothing.
Passing certificates are valid for 100 years and the failing expiry one expired in
2020, so the fixtures keep their outcome whatever day the tests run. cryptography
refuses to sign with SHA-1, so the SHA-1 certificate is made by signing a SHA-256 one's
to-be-signed part again with SHA-1 and swapping the algorithm identifiers (both OIDs
have the same length).
"""

from __future__ import annotations

import base64
import datetime
import json
import textwrap
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
CENTURY = datetime.timedelta(days=36525)
SHA256_WITH_RSA = bytes.fromhex("06092a864886f70d01010b")
SHA1_WITH_RSA = bytes.fromhex("06092a864886f70d010105")
SECRET_ARN_KEY = "data.aws_secretsmanager_secret_version.portal_tls_key.secret_string"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Dermatology"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, key: Any, issuer: tuple[str, Any] | None = None, *,
                 is_ca: bool = False, start: datetime.datetime = NOW - datetime.timedelta(1),
                 end: datetime.datetime = NOW + CENTURY) -> x509.Certificate:
    issuer_name, issuer_key = issuer or (subject, key)
    builder = (x509.CertificateBuilder()
               .subject_name(_name(subject)).issuer_name(_name(issuer_name))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True))
    if not is_ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _resigned_with_sha1(certificate: x509.Certificate, issuer_key: rsa.RSAPrivateKey) -> bytes:
    der = certificate.public_bytes(serialization.Encoding.DER)
    tbs = certificate.tbs_certificate_bytes.replace(SHA256_WITH_RSA, SHA1_WITH_RSA)
    signature = issuer_key.sign(tbs, padding.PKCS1v15(), hashes.SHA1())
    patched = der.replace(SHA256_WITH_RSA, SHA1_WITH_RSA)
    assert len(signature) == len(certificate.signature)
    result = patched[:-len(signature)] + signature
    assert x509.load_der_x509_certificate(result).signature_hash_algorithm.name == "sha1"
    return result


def _pem(certificate: x509.Certificate | bytes) -> str:
    if isinstance(certificate, bytes):
        certificate = x509.load_der_x509_certificate(certificate)
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def _key_pem(key: Any, *, traditional: bool = False, passphrase: bytes | None = None) -> str:
    encryption = (serialization.BestAvailableEncryption(passphrase) if passphrase
                  else serialization.NoEncryption())
    key_format = (serialization.PrivateFormat.TraditionalOpenSSL if traditional
                  else serialization.PrivateFormat.PKCS8)
    return key.private_bytes(serialization.Encoding.PEM, key_format, encryption).decode()


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _indent(text: str, width: int) -> str:
    return textwrap.indent(text.rstrip("\n"), " " * width)


# --- format templates ------------------------------------------------------------------


def _terraform_certificate(certificate: str, mark: str, chain: str | None = None) -> str:
    chain_local = f'\n  portal_chain = <<-EOT\n{_indent(chain, 4)}\n  EOT' if chain else ""
    chain_argument = "\n  certificate_chain = local.portal_chain" if chain else ""
    return f'''# The patient portal's certificate, uploaded to IAM for its classic load balancer.
locals {{
  portal_certificate = <<-EOT
{_indent(certificate, 4)}
  EOT{chain_local}
}}

data "aws_secretsmanager_secret_version" "portal_tls_key" {{
  secret_id = "portal/tls-private-key"
}}

resource "aws_iam_server_certificate" "portal" {{
  name_prefix       = "portal-"
  certificate_body  = local.portal_certificate{mark}{chain_argument}
  private_key       = {SECRET_ARN_KEY}

  lifecycle {{
    create_before_destroy = true
  }}
}}
'''


def _cloudformation_certificate(certificate: str, mark: str) -> str:
    return f'''AWSTemplateFormatVersion: "2010-09-09"
Description: Patient portal certificate for the practice's classic load balancer
Resources:
  PortalServerCertificate:
    Type: AWS::IAM::ServerCertificate
    Properties:
      ServerCertificateName: portal-tls
      CertificateBody: |{mark}
{_indent(certificate, 8)}
      PrivateKey: "{{{{resolve:secretsmanager:portal/tls-private-key}}}}"
'''


def _configmap_certificate(certificate: str, mark: str) -> str:
    return f'''# The lab partner's certificate, pinned by the results-import job.
apiVersion: v1
kind: ConfigMap
metadata:
  name: lab-interface-trust
  namespace: portal
data:
  lab-partner.crt: |{mark}
{_indent(certificate, 4)}
'''


def _tls_secret(certificate: str, key: str, mark: str = "") -> str:
    return f'''# The portal Ingress's TLS certificate and key, committed with the manifests.
apiVersion: v1
kind: Secret
metadata:
  name: portal-tls
  namespace: portal
type: kubernetes.io/tls
data:
  tls.crt: {_b64(certificate)}
  tls.key: {_b64(key)}{mark}
'''


def _write(rule: str, files: dict[str, str], expect: dict[str, list[dict[str, Any]]]) -> None:
    directory = FIXTURES / rule
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    if expect:
        (directory / "expect.json").write_text(json.dumps(expect, indent=2) + "\n")


def _certificate_rule(rule: str, bad: str, good: str, chain: str) -> None:
    """The five files of a certificate rule: Terraform, CloudFormation, Kubernetes, PEM."""
    mark = f"  # expect: {rule}"
    _write(rule, {
        "fail.tf": _terraform_certificate(bad, f" # expect: {rule}"),
        "pass.tf": _terraform_certificate(good, "", chain),
        "fail.cfn.yaml": _cloudformation_certificate(bad, mark),
        "pass.cfn.yaml": _cloudformation_certificate(good, ""),
        "fail.k8s.yaml": _configmap_certificate(bad, mark),
        "pass.k8s.yaml": _configmap_certificate(good, ""),
        # A bundle: the good leaf first, the failing certificate second.
        "fail.pem": good + bad,
        "pass.pem": good + chain,
    }, {"fail.pem": [{"rule": rule, "line": good.count("\n") + 1}]})


def main() -> None:
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ca = _certificate("Example Dermatology Test Root CA", ca_key, is_ca=True)
    ca_pem = _pem(ca)
    issuer = ("Example Dermatology Test Root CA", ca_key)
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    good = _pem(_certificate("portal.example-derm.test", leaf_key, issuer))

    weak_rsa = _pem(_certificate(
        "portal.example-derm.test", rsa.generate_private_key(65537, 1024), issuer))
    weak_ec = _pem(_certificate(
        "lab.example-derm.test", ec.generate_private_key(ec.SECP192R1()), issuer))
    _certificate_rule("CRT-001", weak_rsa, good, ca_pem)
    (FIXTURES / "CRT-001" / "fail-ec.k8s.yaml").write_text(
        _configmap_certificate(weak_ec, "  # expect: CRT-001"))
    (FIXTURES / "CRT-001" / "unknown.tf").write_text('''variable "portal_certificate" {
  type        = string
  description = "PEM certificate body, supplied by the pipeline"
}

resource "aws_acm_certificate" "portal" {
  certificate_body = var.portal_certificate # expect-unknown: CRT-001
  private_key      = file("${path.module}/secrets/portal.key")
}
''')

    sha1 = _pem(_resigned_with_sha1(_certificate("portal.example-derm.test", leaf_key, issuer),
                                    ca_key))
    _certificate_rule("CRT-002", sha1, good, ca_pem)

    expired = _pem(_certificate(
        "portal.example-derm.test", leaf_key, issuer,
        start=datetime.datetime(2019, 1, 1, tzinfo=datetime.timezone.utc),
        end=datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)))
    _certificate_rule("CRT-003", expired, good, ca_pem)

    self_signed = _pem(_certificate("portal.example-derm.test", leaf_key))
    _certificate_rule("CRT-005", self_signed, good, ca_pem)

    _private_key_fixtures(good)


def _private_key_fixtures(certificate: str) -> None:
    plain = _key_pem(ec.generate_private_key(ec.SECP256R1()))
    traditional = _key_pem(ec.generate_private_key(ec.SECP256R1()), traditional=True)
    encrypted = _key_pem(ec.generate_private_key(ec.SECP256R1()),
                         passphrase=b"fixture-passphrase-protects-nothing")
    files = {
        "fail.tf": f'''# A lab-interface certificate imported into ACM with its key written inline.
locals {{
  lab_certificate = <<-EOT
{_indent(certificate, 4)}
  EOT
  lab_private_key = <<-EOT
{_indent(traditional, 4)}
  EOT
}}

resource "aws_acm_certificate" "lab_interface" {{
  certificate_body = local.lab_certificate
  private_key      = local.lab_private_key # expect: CRT-004
}}
''',
        "pass.tf": _terraform_certificate(certificate, "").replace(
            "# The patient portal's", "# Key read from Secrets Manager; the patient portal's"),
        "fail.cfn.yaml": f'''AWSTemplateFormatVersion: "2010-09-09"
Description: Patient portal certificate with its private key pasted into the template
Resources:
  PortalServerCertificate:
    Type: AWS::IAM::ServerCertificate
    Properties:
      ServerCertificateName: portal-tls
      CertificateBody: |
{_indent(certificate, 8)}
      PrivateKey: |  # expect: CRT-004
{_indent(plain, 8)}
''',
        "pass.cfn.yaml": _cloudformation_certificate(certificate, ""),
        "fail.k8s.yaml": _tls_secret(certificate, plain, "  # expect: CRT-004"),
        "pass.k8s.yaml": f'''# An encrypted report-signing key; its passphrase is elsewhere.
apiVersion: v1
kind: Secret
metadata:
  name: report-signing-key
  namespace: portal
type: Opaque
stringData:
  signing-key.pem: |
{_indent(encrypted, 4)}
''',
        "fail.pem": plain,
        "fail-bundle.pem": certificate + traditional,
        "pass.pem": encrypted,
    }
    expect = {"fail.pem": [{"rule": "CRT-004", "line": 1}],
              "fail-bundle.pem": [{"rule": "CRT-004", "line": certificate.count("\n") + 1}]}
    _write("CRT-004", files, expect)


if __name__ == "__main__":
    main()
