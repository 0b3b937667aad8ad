"""A fake ONVIF PTZ camera on loopback: device, media and PTZ services that check WS-Security like real ones.

It answers GetSystemDateAndTime, GetCapabilities and GetServices without credentials
(ONVIF's pre-authentication calls) and everything else only with a valid
UsernameToken PasswordDigest, created within five minutes of its own clock and with
a nonce not seen before; otherwise a SOAP fault ``ter:NotAuthorized`` with HTTP 400
(``auth_status=401`` for cameras that use 401).  Its head moves at half the range per
second at full velocity, so a ContinuousMove changes ``position()`` until Stop.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

from video.ptz import NS, PASSWORD_DIGEST

TER = "http://www.onvif.org/ver10/error"
PRE_AUTH = {"GetSystemDateAndTime", "GetCapabilities", "GetServices"}
OPERATIONS = PRE_AUTH | {"GetProfiles", "ContinuousMove", "Stop", "RelativeMove", "GetStatus", "GetPresets",
                         "SetPreset", "GotoPreset"}
SERVICES = {"/onvif/device_service": "tds", "/onvif/media_service": "trt", "/onvif/ptz_service": "tptz"}
SPEED = 0.5  # range per second at velocity 1


class FakeOnvifCamera:
    """A PTZ camera's ONVIF services in a thread; use as a context manager.

    ``clock_offset_s`` sets its clock wrong by that much; ``xaddr_host`` is the host:port
    it reports for its services (a camera behind NAT reports its private address);
    ``capabilities=False`` makes it refuse GetCapabilities so clients must use GetServices.
    """

    def __init__(self, username: str = "admin", password: str = "secret", *, clock_offset_s: float = 0.0,
                 auth_status: int = 400, xaddr_host: str | None = None, capabilities: bool = True):
        self.username, self.password = username, password
        self.clock_offset_s, self.auth_status = clock_offset_s, auth_status
        self.xaddr_host, self.capabilities = xaddr_host, capabilities
        self.calls: list[str] = []
        self.presets: dict[str, tuple[str, tuple[float, float, float]]] = {"1": ("Home", (0.0, 0.0, 0.0))}
        self._position = [0.0, 0.0, 0.0]
        self._velocity = (0.0, 0.0, 0.0)
        self._since = time.monotonic()
        self._nonces: set[str] = set()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> FakeOnvifCamera:
        camera = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, answer = camera.handle(self.path, body)
                data = answer.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/soap+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/onvif/device_service"

    def position(self) -> tuple[float, float, float]:
        """(pan, tilt, zoom) now."""
        with self._lock:
            self._advance()
            return tuple(round(v, 4) for v in self._position)

    # -- the camera ------------------------------------------------------------------------------
    def _advance(self) -> None:
        now = time.monotonic()
        dt, self._since = now - self._since, now
        for axis, (low, high) in enumerate(((-1, 1), (-1, 1), (0, 1))):
            self._position[axis] = min(max(self._position[axis] + self._velocity[axis] * SPEED * dt, low), high)

    def handle(self, path: str, body: bytes) -> tuple[int, str]:
        try:
            root = ET.fromstring(body)
            request = root.find("s:Body", NS)[0]
        except (ET.ParseError, TypeError, IndexError):
            return _fault(400, "s:Sender", "ter:WellFormed", "not a SOAP 1.2 envelope")
        namespace, _, operation = request.tag[1:].partition("}")
        prefix = SERVICES.get(path)
        if prefix is None or namespace != NS[prefix]:
            return _fault(500, "s:Receiver", "ter:ActionNotSupported", f"{operation} is not served at {path}")
        with self._lock:
            self.calls.append(operation)
            if operation not in PRE_AUTH and not self._authorised(root):
                return _fault(self.auth_status, "s:Sender", "ter:NotAuthorized", "Sender not Authorized")
            self._advance()
            answer = getattr(self, f"_{operation}") if operation in OPERATIONS else None
            if answer is None or (operation == "GetCapabilities" and not self.capabilities):
                return _fault(500, "s:Receiver", "ter:ActionNotSupported", f"{operation} is not supported")
            if prefix == "tptz" and request.findtext("tptz:ProfileToken", "", NS) not in ("Profile_1", "Profile_2"):
                return _fault(400, "s:Sender", "ter:InvalidArgVal", "no such profile")
            return answer(request)

    def _authorised(self, root: ET.Element) -> bool:
        token = root.find("s:Header/wsse:Security/wsse:UsernameToken", NS)
        if token is None:
            return False
        password = token.find("wsse:Password", NS)
        nonce, created = token.findtext("wsse:Nonce", "", NS), token.findtext("wsu:Created", "", NS)
        try:
            stamp = calendar.timegm(time.strptime(created, "%Y-%m-%dT%H:%M:%SZ"))
            raw_nonce = base64.b64decode(nonce, validate=True)
        except ValueError:
            return False
        expected = base64.b64encode(hashlib.sha1(raw_nonce + created.encode() + self.password.encode()).digest())
        fresh = abs(stamp - (time.time() + self.clock_offset_s)) < 300 and nonce not in self._nonces
        self._nonces.add(nonce)
        return (token.findtext("wsse:Username", "", NS) == self.username and password is not None
                and password.get("Type") == PASSWORD_DIGEST and password.text == expected.decode() and fresh)

    def _base(self) -> str:
        return f"http://{self.xaddr_host or f'127.0.0.1:{self.port}'}"

    # -- answers, one per operation ------------------------------------------------------------
    def _GetSystemDateAndTime(self, request):  # noqa: N802 (ONVIF's operation names)
        now = time.gmtime(time.time() + self.clock_offset_s)
        return _ok("<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>"
                   "<tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>"
                   f"<tt:UTCDateTime><tt:Time><tt:Hour>{now.tm_hour}</tt:Hour><tt:Minute>{now.tm_min}</tt:Minute>"
                   f"<tt:Second>{now.tm_sec}</tt:Second></tt:Time><tt:Date><tt:Year>{now.tm_year}</tt:Year>"
                   f"<tt:Month>{now.tm_mon}</tt:Month><tt:Day>{now.tm_mday}</tt:Day></tt:Date></tt:UTCDateTime>"
                   "</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>")

    def _GetCapabilities(self, request):  # noqa: N802
        base = self._base()
        return _ok(f"<tds:GetCapabilitiesResponse><tds:Capabilities>"
                   f"<tt:Device><tt:XAddr>{base}/onvif/device_service</tt:XAddr></tt:Device>"
                   f"<tt:Media><tt:XAddr>{base}/onvif/media_service</tt:XAddr></tt:Media>"
                   f"<tt:PTZ><tt:XAddr>{base}/onvif/ptz_service</tt:XAddr></tt:PTZ>"
                   "</tds:Capabilities></tds:GetCapabilitiesResponse>")

    def _GetServices(self, request):  # noqa: N802
        services = "".join(f"<tds:Service><tds:Namespace>{NS[prefix]}</tds:Namespace>"
                           f"<tds:XAddr>{self._base()}{path}</tds:XAddr><tds:Version><tt:Major>2</tt:Major>"
                           "<tt:Minor>60</tt:Minor></tds:Version></tds:Service>" for path, prefix in SERVICES.items())
        return _ok(f"<tds:GetServicesResponse>{services}</tds:GetServicesResponse>")

    def _GetProfiles(self, request):  # noqa: N802
        profiles = "".join(f'<trt:Profiles token="{token}" fixed="true"><tt:Name>{name}</tt:Name>'
                           '<tt:PTZConfiguration token="PTZ_1"><tt:Name>PTZ</tt:Name>'
                           "<tt:NodeToken>Node_1</tt:NodeToken></tt:PTZConfiguration></trt:Profiles>"
                           for token, name in (("Profile_1", "mainStream"), ("Profile_2", "subStream")))
        return _ok(f"<trt:GetProfilesResponse>{profiles}</trt:GetProfilesResponse>")

    def _ContinuousMove(self, request):  # noqa: N802
        pan_tilt = request.find("tptz:Velocity/tt:PanTilt", NS)
        zoom = request.find("tptz:Velocity/tt:Zoom", NS)
        self._velocity = (float(pan_tilt.get("x", 0)) if pan_tilt is not None else 0.0,
                          float(pan_tilt.get("y", 0)) if pan_tilt is not None else 0.0,
                          float(zoom.get("x", 0)) if zoom is not None else 0.0)
        return _ok("<tptz:ContinuousMoveResponse/>")

    def _Stop(self, request):  # noqa: N802
        self._velocity = (0.0, 0.0, 0.0)
        return _ok("<tptz:StopResponse/>")

    def _RelativeMove(self, request):  # noqa: N802
        zoom = request.find("tptz:Translation/tt:Zoom", NS)
        if zoom is not None:
            self._position[2] = min(max(self._position[2] + float(zoom.get("x", 0)), 0.0), 1.0)
        return _ok("<tptz:RelativeMoveResponse/>")

    def _GetStatus(self, request):  # noqa: N802
        pan, tilt, zoom = self._position
        moving = "MOVING" if any(self._velocity) else "IDLE"
        return _ok(f'<tptz:GetStatusResponse><tptz:PTZStatus><tt:Position><tt:PanTilt x="{pan:.4f}" y="{tilt:.4f}"/>'
                   f'<tt:Zoom x="{zoom:.4f}"/></tt:Position><tt:MoveStatus><tt:PanTilt>{moving}</tt:PanTilt>'
                   f"<tt:Zoom>{moving}</tt:Zoom></tt:MoveStatus><tt:UtcTime>"
                   f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}</tt:UtcTime></tptz:PTZStatus>"
                   "</tptz:GetStatusResponse>")

    def _GetPresets(self, request):  # noqa: N802
        presets = "".join(f'<tptz:Preset token="{token}"><tt:Name>{escape(name)}</tt:Name><tt:PTZPosition>'
                          f'<tt:PanTilt x="{p[0]:.4f}" y="{p[1]:.4f}"/><tt:Zoom x="{p[2]:.4f}"/></tt:PTZPosition>'
                          "</tptz:Preset>" for token, (name, p) in self.presets.items())
        return _ok(f"<tptz:GetPresetsResponse>{presets}</tptz:GetPresetsResponse>")

    def _SetPreset(self, request):  # noqa: N802
        name = request.findtext("tptz:PresetName", "", NS)
        token = request.findtext("tptz:PresetToken", "", NS) or str(max(map(int, self.presets), default=0) + 1)
        self.presets[token] = (name, tuple(self._position))
        return _ok(f"<tptz:SetPresetResponse><tptz:PresetToken>{token}</tptz:PresetToken></tptz:SetPresetResponse>")

    def _GotoPreset(self, request):  # noqa: N802
        token = request.findtext("tptz:PresetToken", "", NS)
        if token not in self.presets:
            return _fault(400, "s:Sender", "ter:InvalidArgVal", f"no preset {token}")
        self._velocity = (0.0, 0.0, 0.0)
        self._position = list(self.presets[token][1])
        return _ok("<tptz:GotoPresetResponse/>")


def _envelope(body: str) -> str:
    namespaces = " ".join(f'xmlns:{p}="{NS[p]}"' for p in ("s", "tds", "trt", "tptz", "tt"))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope {namespaces} xmlns:ter="{TER}">'
            f"<s:Body>{body}</s:Body></s:Envelope>")


def _ok(body: str) -> tuple[int, str]:
    return 200, _envelope(body)


def _fault(status: int, code: str, subcode: str, reason: str) -> tuple[int, str]:
    return status, _envelope(f"<s:Fault><s:Code><s:Value>{code}</s:Value><s:Subcode><s:Value>{subcode}</s:Value>"
                             f'</s:Subcode></s:Code><s:Reason><s:Text xml:lang="en">{escape(reason)}</s:Text>'
                             "</s:Reason></s:Fault>")
