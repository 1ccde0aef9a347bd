"""Fault injection shared by the simulators: fail, delay or drop the next N operations of a kind."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

FaultMode = Literal["error", "delay", "drop_before", "drop_after_commit", "ignore"]
FAULT_MODES: tuple[str, ...] = ("error", "delay", "drop_before", "drop_after_commit", "ignore")


@dataclass
class Fault:
    """One armed fault.

    operation: the simulator's name for an operation ("customer.add", "domain:create", "domain/add");
      "*" matches every operation.
    mode: "error" answers with `code`/`text` the way the real server does; "delay" sleeps `delay`
      seconds and then answers normally; "drop_before" closes the connection without doing anything;
      "drop_after_commit" does the operation, keeps its effect, then closes the connection unanswered;
      "ignore" answers success but changes nothing (a server that silently drops a setting).
    count: how many matching operations it applies to.
    """

    operation: str
    mode: FaultMode = "error"
    count: int = 1
    code: int | str | None = None
    text: str = ""
    delay: float = 0.0

    def matches(self, operation: str) -> bool:
        return self.operation in ("*", operation)


@dataclass
class FaultPlan:
    """Thread-safe list of armed faults; `take` consumes one use of the first matching fault.

    Every operation the simulator asks about is also remembered (the last few thousand), so a
    test can see which operations a piece of work sends and arm a fault at each of them.
    """

    _faults: list[Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _seen: deque[str] = field(default_factory=lambda: deque(maxlen=5000))

    def add(self, fault: Fault) -> None:
        if fault.mode not in FAULT_MODES:
            raise ValueError(f"unknown fault mode {fault.mode!r}; use one of {FAULT_MODES}")
        if fault.count < 1:
            raise ValueError("a fault needs count >= 1")
        with self._lock:
            self._faults.append(fault)

    def take(self, operation: str) -> Fault | None:
        with self._lock:
            self._seen.append(operation)
            for fault in self._faults:
                if fault.matches(operation):
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                    return Fault(
                        operation=operation,
                        mode=fault.mode,
                        count=1,
                        code=fault.code,
                        text=fault.text,
                        delay=fault.delay,
                    )
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._seen.clear()

    def seen(self) -> list[str]:
        """The operations asked about since the last `clear`, oldest first."""
        with self._lock:
            return list(self._seen)

    def pending(self) -> list[dict[str, object]]:
        with self._lock:
            return [
                {
                    "operation": f.operation,
                    "mode": f.mode,
                    "count": f.count,
                    "code": f.code,
                    "text": f.text,
                    "delay": f.delay,
                }
                for f in self._faults
            ]


def fault_from_json(data: dict[str, object]) -> Fault:
    """Build a Fault from the JSON body of a simulator's control endpoint."""
    try:
        return Fault(
            operation=str(data["operation"]),
            mode=str(data.get("mode", "error")),  # type: ignore[arg-type]
            count=int(data.get("count", 1)),  # type: ignore[call-overload]
            code=data.get("code"),  # type: ignore[arg-type]
            text=str(data.get("text", "")),
            delay=float(data.get("delay", 0)),  # type: ignore[arg-type]
        )
    except KeyError as exc:
        raise ValueError(f"missing field {exc.args[0]!r}") from None
