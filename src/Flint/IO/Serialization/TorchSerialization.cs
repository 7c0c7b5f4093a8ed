using System.IO.Compression;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Flint;

public static partial class torch
{
    /// <summary>
    /// Saves <paramref name="obj"/> to a file. A path ending in <c>.safetensors</c> gets the safetensors format
    /// (tensors by name, readable by Python's safetensors); any other path gets PyTorch's checkpoint format (the zip
    /// format torch.save writes since 1.6), readable by <c>torch.load</c> in PyTorch and in Flint. Tensors, parameters, dictionaries
    /// (<c>Dictionary&lt;string, Tensor&gt;</c> from <c>state_dict()</c> becomes an <c>OrderedDict</c>, other
    /// dictionaries a <c>dict</c>), lists, tuples (<c>object?[]</c>, value tuples), <see cref="Size"/>, integers,
    /// floats, strings, bools and null can be saved. Tensors sharing a storage are saved with one copy of it, and
    /// come back sharing it. The file is replaced atomically: a temporary file in the same folder is written, then
    /// moved over it, so a failed save leaves any previous file as it was.
    /// </summary>
    /// <exception cref="ArgumentException">The object holds something Flint cannot save.</exception>
    public static void save(object? obj, string f)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (f.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            IO.SafeTensors.Save(Serialization.TensorsForSafetensors(obj), f);
            return;
        }
        var (pickle, storages) = Serialization.Pickle(obj);   // fails before touching the disk
        string archive = Serialization.ArchiveName(f);
        AtomicFile.Write(f, s => Serialization.WriteZip(s, archive, pickle, storages));
    }

    /// <summary>Like <see cref="save(object?, string)"/>, writing at the stream's current position (archive name "archive", as PyTorch uses for buffers).</summary>
    public static void save(object? obj, Stream f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var (pickle, storages) = Serialization.Pickle(obj);
        Serialization.WriteZip(f, "archive", pickle, storages);
    }

    /// <summary>
    /// Loads a checkpoint written by PyTorch's <c>torch.save</c> (the zip format, or the legacy format of
    /// <c>_use_new_zipfile_serialization=False</c>), by Flint, or a safetensors file (recognized by its content:
    /// a dictionary of tensors). Only data is built, never code: dictionaries come
    /// back as <c>Dictionary&lt;string, object?&gt;</c> (insertion order kept; <c>Dictionary&lt;object, object?&gt;</c>
    /// when a key is not a string), lists as <c>List&lt;object?&gt;</c>, tuples as <c>object?[]</c>, tensors as
    /// <see cref="Tensor"/> (parameters as <see cref="Parameter"/>) viewing shared storages as in the file,
    /// <c>torch.Size</c> as <see cref="Size"/>, ints as <c>long</c>, floats as <c>double</c>, and str, bool, None.
    /// Any other class named in the file is refused. Tensors go to the device they were saved from, or to
    /// <paramref name="map_location"/> when given.
    /// </summary>
    /// <remarks>
    /// A malformed or hostile file fails fast with one of two exceptions, whatever is wrong with it: a bad pickle
    /// stream with <see cref="UnpicklingError"/> (PyTorch's <c>pickle.UnpicklingError</c>), a bad archive, record or
    /// storage with <see cref="InvalidDataException"/> (PyTorch's <c>RuntimeError</c> from its stream reader). A
    /// well-formed file of a kind Flint does not read (TorchScript, the tar format) gives <see cref="NotSupportedException"/>.
    /// The reader never recurses on the file's structure, and sets memory aside only for what the file's bytes
    /// can fill.
    /// </remarks>
    /// <exception cref="UnpicklingError">The pickle is malformed, too deeply nested where it must not be, or names a global Flint does not load.</exception>
    /// <exception cref="InvalidDataException">The archive is malformed or truncated, or a storage does not fit in it.</exception>
    /// <exception cref="NotSupportedException">The file is a kind of checkpoint Flint does not read.</exception>
    /// <exception cref="InvalidOperationException">The file puts tensors on a CUDA device this machine lacks (use <paramref name="map_location"/>).</exception>
    public static object? load(string f, Device? map_location = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        using var fs = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> head = stackalloc byte[9];
        int n = fs.ReadAtLeast(head, 9, throwOnEndOfStream: false);
        fs.Position = 0;
        if (n == 9 && IO.SafeTensors.LooksLike(head))
        {
            var tensors = IO.SafeTensors.Load(fs);
            var d = new Dictionary<string, object?>();
            foreach (var (k, v) in tensors) d[k] = map_location is null ? v : v.to(map_location);
            return d;
        }
        return Serialization.Load(fs, map_location);
    }

    /// <summary>Like <see cref="load(string, Device?)"/>, reading from the stream's current position; it fails as that does.</summary>
    /// <exception cref="UnpicklingError">The pickle is malformed or names a global Flint does not load.</exception>
    /// <exception cref="InvalidDataException">The archive is malformed or truncated.</exception>
    /// <exception cref="NotSupportedException">The file is a kind of checkpoint Flint does not read.</exception>
    public static object? load(Stream f, Device? map_location = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        return Serialization.Load(f, map_location);
    }

    /// <summary>
    /// Loads a checkpoint that holds a state dict (a dictionary of tensors, what <c>torch.save(model.state_dict(), f)</c>
    /// writes) for <c>model.load_state_dict(...)</c>. Not in PyTorch, where <c>torch.load</c> already gives the right type.
    /// </summary>
    /// <exception cref="InvalidDataException">The file holds something other than a dictionary of tensors.</exception>
    public static Dictionary<string, Tensor> load_state_dict(string f, Device? map_location = null) =>
        Serialization.AsStateDict(load(f, map_location));

    /// <summary>Reads a state_dict saved with <c>torch.save(model.state_dict(), f)</c> from a stream, tensors moved to <paramref name="map_location"/> when given.</summary>
    public static Dictionary<string, Tensor> load_state_dict(Stream f, Device? map_location = null) =>
        Serialization.AsStateDict(load(f, map_location));
}

/// <summary>PyTorch's checkpoint formats: the pieces behind <c>torch.save</c> and <c>torch.load</c>.</summary>
internal static class Serialization
{
    private static readonly BigInteger LegacyMagic = BigInteger.Parse("119547037146038801333356");   // 0x1950a86a20f9469cfc6c
    private const long LegacyProtocolVersion = 1001;

    // ---------------- save ----------------

    /// <summary>What safetensors can hold: tensors by name (a state dict), or one tensor saved as "tensor".</summary>
    internal static IReadOnlyDictionary<string, Tensor> TensorsForSafetensors(object? obj) => obj switch
    {
        IReadOnlyDictionary<string, Tensor> d => d,
        Tensor t => new Dictionary<string, Tensor> { ["tensor"] = t },
        IReadOnlyDictionary<string, object?> d when d.Values.All(v => v is Tensor) => d.ToDictionary(kv => kv.Key, kv => (Tensor)kv.Value!),
        _ => throw new ArgumentException($"the safetensors format holds only tensors by name (a state dict) or one tensor, not {obj?.GetType().Name ?? "null"}; use a .pt file for other objects"),
    };

    internal static (byte[] pickle, List<(string key, Storage storage)> storages) Pickle(object? obj)
    {
        var p = new Pickler();
        var bytes = p.Dump(obj);
        return (bytes, p.Storages);
    }

    /// <summary>The archive folder PyTorch names after the file: its base name without the extension.</summary>
    internal static string ArchiveName(string path)
    {
        string name = Path.GetFileName(path);
        int dot = name.LastIndexOf('.');
        if (dot >= 0) name = name[..dot];
        return name.Length == 0 ? "archive" : name;
    }

    internal static void WriteZip(Stream s, string archive, byte[] pickle, List<(string key, Storage storage)> storages)
    {
        var zip = new PtZipWriter(s, archive);
        zip.WriteRecord("data.pkl", pickle);
        foreach (var (key, st) in storages.OrderBy(e => e.key, StringComparer.Ordinal))
        {
            var cpu = Backends.HostMemory.IsHost(st) ? st : new Tensor(st, [st.Count], [1], 0).cpu()._storage;
            long nbytes = cpu.Count * cpu.dtype.itemsize;
            zip.WriteRecord("data/" + key, nbytes, write => ForEachChunk(cpu, span => write(span)));
        }
        zip.WriteRecord("version", "3\n"u8.ToArray());
        zip.Finish();
    }

    internal delegate void SpanAction(Span<byte> span);

    /// <summary>Calls <paramref name="body"/> on consecutive spans covering a CPU storage's bytes (storages may pass 2 GiB).</summary>
    internal static void ForEachChunk(Storage st, SpanAction body)
    {
        const int Chunk = 1 << 24;   // a multiple of every itemsize
        long count = st.Count * st.dtype.itemsize;
        ref byte b0 = ref MemoryMarshal.GetArrayDataReference(Backends.HostMemory.Data(st));
        for (long done = 0; done < count; done += Chunk)
        {
            int n = (int)Math.Min(Chunk, count - done);
            body(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref b0, (nint)done), n));
        }
    }

    // ---------------- load ----------------

    internal static object? Load(Stream s, Device? mapLocation)
    {
        if (!s.CanSeek)
        {
            var ms = new MemoryStream();
            s.CopyTo(ms);
            ms.Position = 0;
            s = ms;
        }
        long start = s.Position;
        var head = new byte[4];
        int n = 0;
        while (n < 4) { int k = s.Read(head, n, 4 - n); if (k <= 0) break; n += k; }
        s.Position = start;
        if (n == 0) throw new InvalidDataException("torch.load: the file is empty (EOFError: Ran out of input)");
        var ctx = new LoadContext(mapLocation);
        object? result = n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4
            ? LoadZip(s, ctx)
            : LoadLegacy(s, ctx);
        ctx.MoveToDevices();
        return result;
    }

    /// <summary>What one load shares: the storages by key, the tensors built on them, where they go.</summary>
    private sealed class LoadContext(Device? mapLocation)
    {
        public readonly Dictionary<string, (Storage storage, string location)> Storages = new(StringComparer.Ordinal);
        public readonly List<Tensor> Tensors = [];
        public Device? MapLocation = mapLocation;

        /// <summary>How many more items calls may copy (list(l), tuple(l), dict(d), torch.Size(t)): a few per
        /// byte of the pickles read, so a file cannot copy one big list over and over.</summary>
        private long copyBudget;

        public void AllowCopies(long pickleBytes) => copyBudget += 1_000_000 + 8 * Math.Min(pickleBytes, long.MaxValue / 16);

        public void Copying(long items, string what)
        {
            copyBudget -= items;
            if (copyBudget < 0)
                throw new UnpicklingError($"{what}: the pickle copies more items than its size can account for (calls that copy the same data over and over)");
        }

        /// <summary>The device a storage tagged <paramref name="location"/> is restored to (PyTorch's default_restore_location).</summary>
        public Device Target(string location, DType dtype)
        {
            if (MapLocation is Device d) return d;
            if (location == "cpu") return Device.CPU;
            if (location.StartsWith("cuda", StringComparison.Ordinal))
            {
                Device dev;
                try { dev = new Device(location); }
                catch (ArgumentException) { throw new UnpicklingError($"invalid storage location '{location}'"); }
                if (!torch.cuda.is_available())
                    throw new InvalidOperationException("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. If you are running on a CPU-only machine, please use torch.load with map_location=torch.device('cpu') to map your storages to the CPU.");
                int index = Math.Max(dev.index, 0);
                if (index >= torch.cuda.device_count())
                    throw new InvalidOperationException($"Attempting to deserialize object on CUDA device {index} but torch.cuda.device_count() is {torch.cuda.device_count()}. Please use torch.load with map_location to map your storages to an existing device.");
                return dev;
            }
            throw new UnpicklingError($"don't know how to restore data location of torch.storage.TypedStorage (tagged with {location})");
        }

        /// <summary>Moves storages whose target is not the CPU once each, and points their tensors at the moved copy.</summary>
        public void MoveToDevices()
        {
            var moved = new Dictionary<Storage, Storage>(ReferenceEqualityComparer.Instance);
            foreach (var (st, loc) in Storages.Values)
            {
                var dev = Target(loc, st.dtype);
                if (dev.type == DeviceType.CPU) continue;
                moved[st] = new Tensor(st, [st.Count], [1], 0).to(dev)._storage;
            }
            if (moved.Count == 0) return;
            foreach (var t in Tensors)
                if (moved.TryGetValue(t._storage, out var m)) t._storage = m;
        }
    }

    private static object? LoadZip(Stream s, LoadContext ctx)
    {
        long archiveLength = s.Length - s.Position;
        ZipArchive zip;
        try { zip = new ZipArchive(s, ZipArchiveMode.Read, leaveOpen: true); }
        catch (InvalidDataException e) { throw new InvalidDataException($"PytorchStreamReader failed reading zip archive: failed finding central directory ({e.Message})", e); }
        using (zip)
        {
            if (zip.Entries.Count == 0) throw new InvalidDataException("PytorchStreamReader failed reading zip archive: the archive has no records");
            string first = zip.Entries[0].FullName;
            int slash = first.IndexOf('/');
            if (slash < 0) throw new InvalidDataException($"file in archive is not in a subdirectory: {first}");
            string prefix = first[..(slash + 1)];
            ZipArchiveEntry? Record(string name) => zip.GetEntry(prefix + name);

            var dataPkl = Record("data.pkl");
            if (dataPkl is null)
            {
                if (Record("constants.pkl") is not null || Record("code/") is not null || zip.Entries.Any(e => e.FullName.StartsWith(prefix + "code/", StringComparison.Ordinal)))
                    throw new NotSupportedException("torch.load: the file is a TorchScript archive (written by torch.jit.save); Flint loads only torch.save checkpoints");
                throw new InvalidDataException("PytorchStreamReader failed locating file data.pkl: file not found");
            }

            bool bigEndian = false;
            if (Record("byteorder") is { } bo)
            {
                string order = Encoding.ASCII.GetString(ReadSmallRecord(bo)).Trim();
                bigEndian = order switch
                {
                    "little" => false,
                    "big" => true,
                    _ => throw new InvalidDataException($"Unknown endianness type: {order}"),
                };
            }
            if (Record("version") is { } ver)
            {
                string v = Encoding.ASCII.GetString(ReadSmallRecord(ver)).Trim();
                if (!long.TryParse(v, out long version) || version < 1)
                    throw new InvalidDataException($"PytorchStreamReader failed reading file version: '{v}' is not a format version");
            }

            object? PersistentLoad(object? pid)
            {
                var (dtype, key, location, numel) = ParsePersistentId(pid, legacy: false);
                if (ctx.Storages.TryGetValue(key, out var known))
                {
                    if (known.storage.dtype != dtype)
                        throw new UnpicklingError($"storage {key} is used with two element types ({known.storage.dtype} and {dtype}); Flint cannot view one storage as two types");
                    return known.storage;
                }
                ctx.Target(location, dtype);   // fail early on an unavailable device
                var entry = Record("data/" + key) ?? throw new InvalidDataException($"PytorchStreamReader failed locating file data/{key}: file not found");
                if (numel < 0) throw new UnpicklingError($"a storage has a negative number of elements ({numel})");
                ZipRecords.CheckSizes(entry, archiveLength, $"PytorchStreamReader failed reading file data/{key}");
                BigInteger nbytes = (BigInteger)numel * dtype.itemsize;
                if (entry.Length < nbytes)
                    throw new InvalidDataException($"PytorchStreamReader failed reading file data/{key}: the record holds {entry.Length} bytes, {nbytes} are needed for {numel} elements of {dtype}");
                var st = AllocateStorage(dtype, numel);
                using (var es = entry.Open()) FillStorage(st, es, bigEndian, $"data/{key}");
                ctx.Storages[key] = (st, location);
                return st;
            }

            long pklLength = dataPkl.Length;
            using var ps = new BufferedStream(dataPkl.Open(), 1 << 16);
            return Unpickle(ps, pklLength, ctx, PersistentLoad);
        }
    }

    private static byte[] ReadSmallRecord(ZipArchiveEntry e)
    {
        if (e.Length > 4096) throw new InvalidDataException($"PytorchStreamReader failed reading file {e.FullName}: the record is too large ({e.Length} bytes)");
        using var s = e.Open();
        var b = new byte[e.Length];
        if (s.ReadAtLeast(b, b.Length, throwOnEndOfStream: false) < b.Length)
            throw new InvalidDataException($"PytorchStreamReader failed reading file {e.FullName}: the record is truncated");
        return b;
    }

    private static Storage AllocateStorage(DType dtype, long numel)
    {
        if (numel < 0) throw new UnpicklingError($"a storage has a negative number of elements ({numel})");
        if (numel > Array.MaxLength) throw new InvalidDataException($"a storage of {numel} elements is larger than a Flint CPU tensor can hold ({Array.MaxLength} elements)");
        return Backends.HostMemory.Allocate(dtype, numel, zeroed: true);
    }

    private static void FillStorage(Storage st, Stream s, bool swap, string what)
    {
        long total = st.Count * st.dtype.itemsize, got = 0;
        ForEachChunk(st, span =>
        {
            int read = 0;
            while (read < span.Length)
            {
                int k = s.Read(span[read..]);
                if (k <= 0) throw new InvalidDataException($"{what}: the data ends after {got + read} of {total} bytes (the file is truncated)");
                read += k;
            }
            got += read;
            if (swap && st.dtype.itemsize > 1) SwapBytes(span, st.dtype.itemsize);
            if (st.dtype == DType.Bool) foreach (ref byte x in span) x = x != 0 ? (byte)1 : (byte)0;
        });
    }

    private static void SwapBytes(Span<byte> span, int itemsize)
    {
        for (int i = 0; i + itemsize <= span.Length; i += itemsize) span.Slice(i, itemsize).Reverse();
    }

    private static (DType dtype, string key, string location, long numel) ParsePersistentId(object? pid, bool legacy)
    {
        if (pid is not object?[] t || t.Length == 0)
            throw new UnpicklingError($"persistent_load expects a tuple id, got {Unpickler.PyTypeName(pid)}");
        if (t[0] is not string typename) throw new UnpicklingError("persistent_load: the id's type name is not a string");
        if (typename != "storage") throw new UnpicklingError($"Unknown typename for persistent_load, expected 'storage' but got '{typename}'");
        int expected = legacy ? 6 : 5;
        if (t.Length != expected) throw new UnpicklingError($"persistent_load: a storage id has {expected} items, this one has {t.Length}");
        if (t[1] is not StorageType stype) throw new UnpicklingError($"persistent_load: the storage type is a {Unpickler.PyTypeName(t[1])}, not a storage class");
        if (t[2] is not string key) throw new UnpicklingError("persistent_load: the storage key is not a string");
        if (t[3] is not string location) throw new UnpicklingError("persistent_load: the storage location is not a string");
        if (t[4] is not long numel) throw new UnpicklingError("persistent_load: the storage size is not an int");
        if (legacy && t[5] is not null) throw new NotSupportedException("torch.load: this legacy checkpoint holds a storage view (saved by a PyTorch before 0.4); Flint cannot load it");
        return (stype.Dtype, key, location, numel);
    }

    // ---------------- legacy format ----------------

    private static object? LoadLegacy(Stream s, LoadContext ctx)
    {
        long Remaining() => s.Length - s.Position;
        object? Plain()
        {
            ctx.AllowCopies(Remaining());
            return new Unpickler(s, Remaining()) { ResolveGlobal = ResolveGlobal, Call = (f, a) => Call(f, a, ctx, 0) }.Load();
        }

        if (IsTar(s)) throw new NotSupportedException("torch.load: this is a tar checkpoint (the format of PyTorch before 0.4); Flint cannot load it");
        var magic = Plain();
        bool magicOk = magic switch { BigInteger b => b == LegacyMagic, _ => false };
        if (!magicOk) throw new InvalidDataException("Invalid magic number; corrupt file?");
        var protocol = Plain();
        if (protocol is not long pv || pv != LegacyProtocolVersion) throw new InvalidDataException($"Invalid protocol version: {Unpickler.PyTypeName(protocol)} {protocol}");
        var sysInfo = Plain();
        bool bigEndian = sysInfo is Dictionary<string, object?> si && si.TryGetValue("little_endian", out var le) && le is false;

        var declared = new Dictionary<string, long>(StringComparer.Ordinal);
        object? PersistentLoad(object? pid)
        {
            var (dtype, key, location, numel) = ParsePersistentId(pid, legacy: true);
            if (ctx.Storages.TryGetValue(key, out var known)) return known.storage;
            ctx.Target(location, dtype);
            if ((System.Numerics.BigInteger)numel * dtype.itemsize > s.Length - s.Position)
                throw new InvalidDataException($"storage {key}: {numel} elements of {dtype} do not fit in the rest of the file (the file is truncated or corrupt)");
            var st = AllocateStorage(dtype, numel);
            ctx.Storages[key] = (st, location);
            return st;
        }
        var result = Unpickle(s, Remaining(), ctx, PersistentLoad);

        var keys = Plain();
        if (keys is not List<object?> keyList) throw new InvalidDataException("torch.load: the legacy checkpoint's storage key list is missing");
        foreach (var k in keyList)
        {
            if (k is not string key || !ctx.Storages.TryGetValue(key, out var entry))
                throw new InvalidDataException($"torch.load: the legacy checkpoint lists a storage '{k}' that no tensor uses");
            var sizeBytes = new byte[8];
            if (s.ReadAtLeast(sizeBytes, 8, throwOnEndOfStream: false) < 8)
                throw new InvalidDataException($"storage {key}: the data ends before its size (the file is truncated)");
            long count = bigEndian ? System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(sizeBytes) : BitConverter.ToInt64(sizeBytes);
            if (count != entry.storage.Count)
                throw new InvalidDataException($"storage has wrong size: expected {entry.storage.Count} got {count}");
            FillStorage(entry.storage, s, bigEndian, $"storage {key}");
        }
        return result;
    }

    private static bool IsTar(Stream s)
    {
        long start = s.Position;
        if (s.Length - start < 512) return false;
        var b = new byte[5];
        s.Position = start + 257;
        s.ReadExactly(b);
        s.Position = start;
        return b.AsSpan().SequenceEqual("ustar"u8);
    }

    // ---------------- the allow-list ----------------

    private static object? Unpickle(Stream s, long length, LoadContext ctx, Func<object?, object?> persistentLoad)
    {
        ctx.AllowCopies(length);
        var u = new Unpickler(s, length)
        {
            ResolveGlobal = ResolveGlobal,
            Call = (f, a) => Call(f, a, ctx, 0),
            PersistentLoad = persistentLoad,
        };
        return u.Load();
    }

    /// <summary>A storage class named in the file (torch.FloatStorage, ...): the element type of the storages it tags.</summary>
    internal sealed record StorageType(string Name, DType Dtype, bool Untyped);

    private static readonly Dictionary<string, DType> StorageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = DType.Float32, ["DoubleStorage"] = DType.Float64, ["HalfStorage"] = DType.Float16,
        ["BFloat16Storage"] = DType.BFloat16, ["LongStorage"] = DType.Int64, ["IntStorage"] = DType.Int32,
        ["ShortStorage"] = DType.Int16, ["CharStorage"] = DType.Int8, ["ByteStorage"] = DType.UInt8,
        ["BoolStorage"] = DType.Bool,
    };

    private static readonly Dictionary<string, DType> DtypeNames = new(StringComparer.Ordinal)
    {
        ["float32"] = DType.Float32, ["float"] = DType.Float32, ["float64"] = DType.Float64, ["double"] = DType.Float64,
        ["float16"] = DType.Float16, ["half"] = DType.Float16, ["bfloat16"] = DType.BFloat16,
        ["int64"] = DType.Int64, ["long"] = DType.Int64, ["int32"] = DType.Int32, ["int"] = DType.Int32,
        ["int16"] = DType.Int16, ["short"] = DType.Int16, ["int8"] = DType.Int8, ["uint8"] = DType.UInt8, ["bool"] = DType.Bool,
    };

    private static readonly HashSet<string> CallableGlobals = new(StringComparer.Ordinal)
    {
        "collections.OrderedDict", "collections.Counter", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state", "torch._tensor._rebuild_from_type_v2",
        "torch.Size", "torch.device", "builtins.dict", "builtins.list", "builtins.tuple", "builtins.int", "builtins.float",
        "builtins.str", "builtins.bool", "_codecs.encode", "torch.Tensor", "torch.nn.parameter.Parameter",
    };

    private static object ResolveGlobal(string module, string name)
    {
        if (module == "__builtin__") module = "builtins";
        if (module == "torch" && StorageTypes.TryGetValue(name, out var sdt)) return new StorageType(name, sdt, false);
        if (module == "torch" && name == "UntypedStorage") return new StorageType(name, DType.UInt8, true);
        if (module == "torch" && DtypeNames.TryGetValue(name, out var dt)) return dt;
        string full = module + "." + name;
        if (CallableGlobals.Contains(full)) return new PyGlobal(module, name);
        throw new UnpicklingError(
            $"Weights only load failed: the file names the global '{full}', which Flint does not load (it builds only tensors, " +
            $"storages and plain data, never arbitrary objects). WeightsUnpickler error: Unsupported class {full}");
    }

    /// <summary>How deeply _rebuild_from_type_v2 may call itself through its arguments (Python would hit its recursion limit).</summary>
    private const int MaxRebuildNesting = 16;

    private static object? Call(object func, object?[] args, LoadContext ctx, int nesting)
    {
        if (func is not PyGlobal g)
            throw new UnpicklingError($"Weights only load failed: the file calls {Describe(func)}, which Flint does not load. WeightsUnpickler error: Trying to call reduce for unrecognized function {Describe(func)}");
        switch (g.FullName)
        {
            case "collections.OrderedDict":
            case "builtins.dict":
                {
                    var d = new Dictionary<string, object?>();
                    if (args.Length == 0) return d;
                    if (args.Length == 1 && args[0] is Dictionary<string, object?> src)
                    {
                        ctx.Copying(src.Count, g.FullName);
                        foreach (var kv in src) d[kv.Key] = kv.Value;
                        return d;
                    }
                    if (args.Length == 1 && args[0] is List<object?> or object?[])
                    {
                        var pairs = args[0] is List<object?> l ? l : ((object?[])args[0]!).ToList();
                        ctx.Copying(pairs.Count, g.FullName);
                        bool allString = pairs.All(p => p is object?[] { Length: 2 } kv && kv[0] is string);
                        if (allString) { foreach (object?[] kv in pairs.Cast<object?[]>()) d[(string)kv[0]!] = kv[1]; return d; }
                        var od = new Dictionary<object, object?>(PyKeyComparer.Instance);
                        foreach (var p in pairs)
                        {
                            if (p is not object?[] { Length: 2 } kv) throw new UnpicklingError($"{g.FullName}: expected (key, value) pairs");
                            PyKeyComparer.CheckKey(kv[0]);
                            od[kv[0]!] = kv[1];
                        }
                        return od;
                    }
                    throw new UnpicklingError($"{g.FullName}: unsupported arguments");
                }
            case "collections.Counter":
                // pickled as Counter(dict), read as that dict (MultiStepLR keeps its milestones in a Counter)
                return args.Length == 0 ? new Dictionary<string, object?>() : Arg1(g, args) switch
                {
                    Dictionary<string, object?> sd => new Dictionary<string, object?>(sd),
                    Dictionary<object, object?> od => new Dictionary<object, object?>(od, PyKeyComparer.Instance),
                    var o => throw new UnpicklingError($"collections.Counter: expected a dict, got {Unpickler.PyTypeName(o)}"),
                };
            case "builtins.list":
                return args.Length == 0 ? new List<object?>() : args[0] switch
                {
                    List<object?> l => Copied(l.Count, () => new List<object?>(l)),
                    object?[] t => Copied(t.Length, t.ToList),
                    _ => throw new UnpicklingError("builtins.list: unsupported arguments"),
                };
            case "builtins.tuple":
                return args.Length == 0 ? Array.Empty<object?>() : args[0] switch
                {
                    List<object?> l => Copied(l.Count, l.ToArray),
                    object?[] t => t,
                    _ => throw new UnpicklingError("builtins.tuple: unsupported arguments"),
                };
            case "builtins.int":
                return Arg1(g, args) switch { long l => l, bool b => b ? 1L : 0L, double d when !double.IsNaN(d) && !double.IsInfinity(d) => (long)Math.Truncate(d), BigInteger b => b, string str when long.TryParse(str, out var v) => v, var o => throw new UnpicklingError($"builtins.int: cannot convert {Unpickler.PyTypeName(o)}") };
            case "builtins.float":
                return Arg1(g, args) switch { long l => (double)l, double d => d, bool b => b ? 1.0 : 0.0, string str when double.TryParse(str, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) => v, var o => throw new UnpicklingError($"builtins.float: cannot convert {Unpickler.PyTypeName(o)}") };
            case "builtins.str":
                return Arg1(g, args) switch { string str => str, long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture), var o => throw new UnpicklingError($"builtins.str: cannot convert {Unpickler.PyTypeName(o)}") };
            case "builtins.bool":
                return args.Length == 0 ? false : args[0] switch { bool b => b, long l => l != 0, double d => d != 0, string str => str.Length != 0, var o => throw new UnpicklingError($"builtins.bool: cannot convert {Unpickler.PyTypeName(o)}") };
            case "_codecs.encode":
                if (args is [string text, string enc] && (enc == "latin1" || enc == "latin-1"))
                {
                    var bytes = new byte[text.Length];
                    for (int i = 0; i < text.Length; i++)
                        bytes[i] = text[i] <= 0xFF ? (byte)text[i] : throw new UnpicklingError("_codecs.encode: the text is not latin-1");
                    return bytes;
                }
                throw new UnpicklingError("_codecs.encode: only (str, 'latin1') is supported");
            case "torch.Size":
                {
                    var items = Arg1(g, args) switch { object?[] t => t, List<object?> l => l.ToArray(), _ => throw new UnpicklingError("torch.Size expects a tuple of ints") };
                    ctx.Copying(items.Length, g.FullName);
                    return new Size(items.Select(x => x is long l && l >= 0 ? l : throw new UnpicklingError("torch.Size expects a tuple of non-negative ints")).ToArray());
                }
            case "torch.device":
                {
                    try
                    {
                        if (args is [string type]) return new Device(type);
                        if (args is [string type2, long index]) return new Device(type2 + ":" + index);
                    }
                    catch (ArgumentException e) { throw new UnpicklingError($"torch.device: {e.Message}", e); }
                    throw new UnpicklingError("torch.device: unsupported arguments");
                }
            case "torch._utils._rebuild_tensor_v2":
                if (args.Length is < 6 or > 7) throw new UnpicklingError($"_rebuild_tensor_v2 expects 6 or 7 arguments, got {args.Length}");
                return RebuildTensor(args[0], args[1], args[2], args[3], args[4], ctx);
            case "torch._utils._rebuild_tensor":
                if (args.Length != 4) throw new UnpicklingError($"_rebuild_tensor expects 4 arguments, got {args.Length}");
                return RebuildTensor(args[0], args[1], args[2], args[3], false, ctx);
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                {
                    if (args.Length < 2 || args[0] is not Tensor data || args[1] is not bool rg)
                        throw new UnpicklingError($"{g.Name} expects (tensor, requires_grad, hooks)");
                    if (rg && !data.dtype.is_floating_point)
                        throw new UnpicklingError($"only Tensors of floating point dtype can require gradients (the file has a {data.dtype} parameter that requires grad)");
                    var p = new Parameter(data, rg);
                    ctx.Tensors.Add(p);
                    return p;
                }
            case "torch._tensor._rebuild_from_type_v2":
                {
                    if (args.Length != 4 || args[2] is not object?[] inner) throw new UnpicklingError("_rebuild_from_type_v2 expects (func, type, args, state)");
                    if (args[0] is null) throw new UnpicklingError("_rebuild_from_type_v2: no function");
                    if (nesting >= MaxRebuildNesting) throw new UnpicklingError($"_rebuild_from_type_v2 calls itself more than {MaxRebuildNesting} levels deep");
                    var r = Call(args[0]!, inner, ctx, nesting + 1);
                    if (args[1] is PyGlobal { FullName: "torch.nn.parameter.Parameter" } && r is Tensor rt && r is not Parameter)
                    {
                        var p = new Parameter(rt, rt.requires_grad);
                        ctx.Tensors.Add(p);
                        r = p;
                    }
                    else if (args[1] is not PyGlobal { FullName: "torch.Tensor" or "torch.nn.parameter.Parameter" })
                        throw new UnpicklingError($"Weights only load failed: tensors of type {Describe(args[1])} are not supported. WeightsUnpickler error: Unsupported class {Describe(args[1])}");
                    if (args[3] is Dictionary<string, object?> { Count: > 0 } || args[3] is not (null or Dictionary<string, object?>))
                        throw new UnpicklingError("_rebuild_from_type_v2: Flint cannot restore Python attributes set on a tensor");
                    return r;
                }
            default:
                throw new UnpicklingError($"Weights only load failed: Flint cannot call {g.FullName} while loading. WeightsUnpickler error: Trying to instantiate unsupported class {g.FullName}");
        }

        T Copied<T>(long n, Func<T> copy)
        {
            ctx.Copying(n, g.FullName);
            return copy();
        }
    }

    private static object? Arg1(PyGlobal g, object?[] args) =>
        args.Length == 1 ? args[0] : throw new UnpicklingError($"{g.FullName} expects one argument, got {args.Length}");

    private static string Describe(object? o) => o switch
    {
        PyGlobal g => g.FullName,
        StorageType st => "torch." + st.Name,
        DType d => d.ToString(),
        _ => Unpickler.PyTypeName(o),
    };

    private static long[] Ints(object? o, string what) => o switch
    {
        object?[] t => t.Select(x => x is long l ? l : throw new UnpicklingError($"_rebuild_tensor: {what} must be ints")).ToArray(),
        Size s => s.ToArray(),
        List<object?> l => l.Select(x => x is long v ? v : throw new UnpicklingError($"_rebuild_tensor: {what} must be ints")).ToArray(),
        _ => throw new UnpicklingError($"_rebuild_tensor: {what} must be a tuple of ints, got {Unpickler.PyTypeName(o)}"),
    };

    /// <summary>A view of a loaded storage, checked against its bounds as PyTorch's set_ checks it.</summary>
    private static Tensor RebuildTensor(object? storage, object? offsetObj, object? sizeObj, object? strideObj, object? requiresGrad, LoadContext ctx)
    {
        if (storage is not Storage st || !Backends.HostMemory.IsHost(st)) throw new UnpicklingError($"_rebuild_tensor: expected a storage, got {Describe(storage)}");
        if (offsetObj is not long offset || offset < 0) throw new UnpicklingError("_rebuild_tensor: the storage offset must be a non-negative int");
        var size = Ints(sizeObj, "sizes");
        var stride = Ints(strideObj, "strides");
        ctx.Copying(size.Length + stride.Length, "_rebuild_tensor");
        if (size.Length != stride.Length) throw new UnpicklingError($"_rebuild_tensor: {size.Length} sizes but {stride.Length} strides");
        if (size.Any(x => x < 0)) throw new UnpicklingError($"_rebuild_tensor: negative size in [{string.Join(", ", size)}]");
        if (stride.Any(x => x < 0)) throw new UnpicklingError($"_rebuild_tensor: negative stride in [{string.Join(", ", stride)}]");
        if (requiresGrad is not bool rg) throw new UnpicklingError("_rebuild_tensor: requires_grad must be a bool");
        // the central layout check: checked products (sticky overflow, as PyTorch's numel), bounds of the furthest element
        try
        {
            Shape.Numel(size);   // first, as PyTorch's set_ computes it
            Shape.CheckInBounds(size, stride, offset, st.Count, st.dtype.itemsize);
        }
        catch (ArgumentException e) { throw new UnpicklingError("_rebuild_tensor: " + e.Message); }
        var t = new Tensor(st, size, stride, offset);
        if (rg)
        {
            if (!st.dtype.is_floating_point) throw new UnpicklingError($"only Tensors of floating point dtype can require gradients (the file has a {st.dtype} tensor that requires grad)");
            t.requires_grad = true;
        }
        ctx.Tensors.Add(t);
        return t;
    }

    // ---------------- state dicts ----------------

    internal static Dictionary<string, Tensor> AsStateDict(object? loaded)
    {
        if (loaded is not Dictionary<string, object?> d)
            throw new InvalidDataException($"the checkpoint holds a {Unpickler.PyTypeName(loaded)}, not a state dict (a dictionary of tensors keyed by name)");
        return ToStateDict(d, msg => new InvalidDataException(msg));
    }

    internal static Dictionary<string, Tensor> ToStateDict(IEnumerable<KeyValuePair<string, object?>> d, Func<string, Exception> error)
    {
        var r = new Dictionary<string, Tensor>();
        foreach (var (k, v) in d)
            r[k] = v as Tensor ?? throw error($"the state dict entry \"{k}\" is a {Unpickler.PyTypeName(v)}, not a tensor");
        return r;
    }
}
