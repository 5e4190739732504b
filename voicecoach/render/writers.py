"""Writing a rendered session: WAV with the standard library, FLAC, Ogg Vorbis and MP3 through the
optional `soundfile` package; every file written to a temporary name beside its target and renamed
onto it only when complete, and the operating system's errors turned into one clear message."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import wave
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import IO, Protocol, cast

from voicecoach.errors import VoicecoachError

#: Audio formats by name (also the file suffix): libsndfile's (format, subtype), None for WAV.
FORMATS: dict[str, tuple[str, str] | None] = {
    "wav": None,
    "flac": ("FLAC", "PCM_16"),
    "ogg": ("OGG", "VORBIS"),
    "mp3": ("MP3", "MPEG_LAYER_III"),
}

#: Sample rates an MP3 (MPEG-1, 2 and 2.5 layer III) can carry.
MP3_RATES = frozenset({8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000})

#: A WAV file's sizes are 32-bit; the RIFF header takes 36 bytes of them.
_WAV_MAX_DATA = 0xFFFF_FFFF - 36


class RenderError(VoicecoachError):
    """A session could not be rendered to a file (nothing is left behind at the target)."""


def check_target(target: Path) -> None:
    """Refuse a target in a missing folder, or one that is there and not a regular file (a
    folder, a device, a FIFO, a symbolic link): renaming onto it would replace it."""
    folder = target.parent
    if not folder.is_dir():
        raise RenderError(f"cannot write {target}: the folder {folder} does not exist")
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise RenderError(_describe(exc, target)) from exc
    if stat.S_ISDIR(mode):
        raise RenderError(f"cannot write {target}: it is a folder; give a file name")
    if not stat.S_ISREG(mode):
        kind = (
            "a symbolic link"
            if stat.S_ISLNK(mode)
            else "a FIFO"
            if stat.S_ISFIFO(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "not a regular file"
        )
        raise RenderError(
            f"cannot write {target}: it is {kind}, which a render would replace; "
            "give the name of a regular file"
        )


def captions_path(out: Path) -> Path:
    """Where the captions of `out` go: ``NAME.vtt`` beside ``NAME.wav``; for a suffix not in
    lower case, ``NAME.WAV.vtt``, so that names differing only in case keep apart."""
    if out.suffix == out.suffix.lower():
        return out.with_suffix(".vtt")
    return out.with_name(out.name + ".vtt")


@contextlib.contextmanager
def writing(target: Path) -> Iterator[None]:
    """Turn the operating system's errors while writing `target` into a RenderError."""
    try:
        yield
    except OSError as exc:
        raise RenderError(_describe(exc, target)) from exc


def _describe(exc: OSError, target: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return (
            f"the disk is full: could not write {target}, and nothing was written; "
            "free some space or choose another folder"
        )
    if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
        return (
            f"cannot write {target}: {exc.strerror or 'permission denied'}; "
            "choose a folder you can write to"
        )
    reason = exc.strerror or str(exc)
    return f"cannot write {target}: {reason}; nothing was written"


class GuardedFile:
    """The temporary audio file, keeping the first write error for later.

    libsndfile writes through a callback that cannot pass an exception on (it would only see a
    short write, or nothing), so errors are kept here and raised after every block.
    """

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file
        self.error: OSError | None = None

    def write(self, data: bytes) -> int:
        if self.error is not None:
            return 0
        try:
            return self._file.write(data)
        except OSError as exc:
            self.error = exc
            return 0

    def read(self, size: int = -1) -> bytes:
        try:
            return self._file.read(size)
        except OSError as exc:
            self.error = self.error or exc
            return b""

    # A seek, a tell or a flush writes what is buffered: on a full disk they fail too (-1 tells
    # libsndfile so, and the error is raised by check).
    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        try:
            return self._file.seek(offset, whence)
        except OSError as exc:
            self.error = self.error or exc
            return -1

    def tell(self) -> int:
        try:
            return self._file.tell()
        except OSError as exc:
            self.error = self.error or exc
            return -1

    def flush(self) -> None:
        try:
            self._file.flush()
        except OSError as exc:
            self.error = self.error or exc

    def check(self) -> None:
        if self.error is not None:
            raise self.error


class Writer(Protocol):
    def write(self, block: bytearray) -> None: ...

    def close(self) -> None: ...

    def abort(self) -> None: ...


class _WavWriter:
    """16-bit PCM WAV through the standard library."""

    def __init__(self, file: GuardedFile, *, rate: int, channels: int, frames: int) -> None:
        # wave only needs write, tell, seek and flush, which the guard forwards.
        self._wav = wave.Wave_write(cast(IO[bytes], file))
        self._wav.setnchannels(channels)
        self._wav.setsampwidth(2)
        self._wav.setframerate(rate)
        self._wav.setnframes(frames)  # the header is right from the start: no patching

    def write(self, block: bytearray) -> None:
        self._wav.writeframesraw(block)

    def close(self) -> None:
        self._wav.close()

    def abort(self) -> None:
        with contextlib.suppress(OSError, ValueError, wave.Error):
            self._wav.close()  # the file is thrown away: only let go of it


class _SoundfileWriter:
    """FLAC, Ogg Vorbis or MP3 through libsndfile, fed the same 16-bit blocks."""

    def __init__(
        self,
        soundfile: ModuleType,
        file: GuardedFile,
        *,
        rate: int,
        channels: int,
        container: str,
        subtype: str,
    ) -> None:
        self._file = file
        self._container = container
        # libsndfile 1.2.2 writes 16-bit stereo to MP3 as half noise (it copies half of each
        # buffer: libsndfile pull request 1106); its 32-bit path is sound. Mono has no such
        # fault (both paths give the same file), so it is written as it comes.
        self._wide = container == "MP3" and channels == 2
        with self._failures():
            self._sf = soundfile.SoundFile(
                file,
                mode="w",
                samplerate=rate,
                channels=channels,
                format=container,
                subtype=subtype,
            )

    @contextlib.contextmanager
    def _failures(self) -> Iterator[None]:
        """Turn libsndfile's failures into the error behind them, or a RenderError."""
        try:
            yield
        except (RuntimeError, AssertionError) as exc:
            # A failed write shows up as libsndfile's error, or as soundfile's assertion
            # that every frame was written; the operating system's error says more.
            self._file.check()
            raise RenderError(f"libsndfile could not write {self._container}: {exc}") from exc

    def write(self, block: bytearray) -> None:
        with self._failures():
            if self._wide:
                self._sf.buffer_write(_widen(block), dtype="int32")
            else:
                self._sf.buffer_write(block, dtype="int16")

    def close(self) -> None:
        with self._failures():
            self._sf.close()

    def abort(self) -> None:
        with contextlib.suppress(OSError, RuntimeError):
            self._sf.close()  # the file is thrown away: only let go of it


def _widen(block: bytearray) -> bytes:
    """Native 16-bit samples as native 32-bit ones of the same level (the low half zero).

    numpy is there whenever soundfile is (it depends on it)."""
    import numpy as np

    wide = np.frombuffer(block, dtype=np.int16).astype(np.int32)
    wide <<= 16
    return wide.tobytes()


def _import_soundfile(fmt: str) -> ModuleType:
    try:
        import soundfile
    except (ImportError, OSError) as exc:  # OSError: the module is there, libsndfile is not
        raise RenderError(
            f"writing {fmt.upper()} needs the soundfile library: "
            "pip install 'voicecoach[formats]' (or write a .wav file)"
        ) from exc
    module: ModuleType = soundfile
    return module


def writer_factory(
    fmt: str, out: Path, *, rate: int, channels: int, frames: int
) -> Callable[[GuardedFile], Writer]:
    """Check that `fmt` can be written here, and return how to open its writer on a file."""
    spec = FORMATS[fmt]
    if spec is None:
        if frames * channels * 2 > _WAV_MAX_DATA:
            raise RenderError(
                f"cannot write {out}: this session is too long for a WAV file (4 GiB at most); "
                "write .flac instead"
            )
        return lambda file: _WavWriter(file, rate=rate, channels=channels, frames=frames)
    soundfile = _import_soundfile(fmt)
    container, subtype = spec
    if container not in soundfile.available_formats() or not soundfile.check_format(
        container, subtype
    ):
        raise RenderError(
            f"this build of libsndfile ({soundfile.__libsndfile_version__}) cannot write "
            f"{fmt.upper()}; choose another format, or update soundfile"
        )

    def open_writer(file: GuardedFile) -> Writer:
        return _SoundfileWriter(
            soundfile, file, rate=rate, channels=channels, container=container, subtype=subtype
        )

    return open_writer


class TempFiles:
    """Temporary files beside their targets: renamed onto them together, or all removed."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def create(self, target: Path) -> IO[bytes]:
        """A new, empty temporary file in the folder of `target`, open for reading and writing.

        It is locked while open, so that :func:`remove_stale` can tell it from the temporary
        file of a render that crashed."""
        while True:
            temp = _temp_name(target, secrets.token_hex(4))
            try:
                fd = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                continue
            self._pending.append((temp, target))
            _try_lock(fd)
            return os.fdopen(fd, "w+b")

    def commit(self) -> None:
        """Rename every temporary file onto its target, then sync the folders, so the new names
        survive a power cut as well as the contents do."""
        folders = {target.parent for _, target in self._pending}
        while self._pending:
            temp, target = self._pending[0]
            os.replace(temp, target)
            del self._pending[0]
        for folder in folders:
            _sync_folder(folder)

    def discard(self) -> None:
        """Remove the temporary files not committed."""
        for temp, _ in self._pending:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
        self._pending.clear()


def _temp_name(target: Path, tag: str) -> Path:
    return target.with_name(f".{target.name}.{tag}.tmp")


def _try_lock(fd: int) -> bool:
    """Lock `fd` for this process (False where file locks are not available, or taken)."""
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (ImportError, OSError):
        return False
    return True


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # a folder cannot be opened on Windows: its entries are synced by the system
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale(target: Path) -> int:
    """Remove the temporary files that renders of `target` killed on the way left beside it
    (each render locks its own while it writes); return how many."""
    removed = 0
    for temp in target.parent.glob(f".{target.name}.*.tmp"):
        try:
            fd = os.open(temp, os.O_RDWR)
        except OSError:
            continue
        try:
            stale = _try_lock(fd)
        finally:
            os.close(fd)
        if stale:
            with contextlib.suppress(OSError):
                temp.unlink()
                removed += 1
    return removed


# -- captions --------------------------------------------------------------------------------
