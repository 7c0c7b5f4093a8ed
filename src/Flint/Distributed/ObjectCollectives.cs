using Flint.Distributed;
using static Flint.Distributed.CollectiveChecks;

namespace Flint;

public static partial class torch
{
    public static partial class distributed
    {
        // Objects travel as torch.save's bytes (as PyTorch pickles them): tensors, strings, numbers, bools, null and
        // lists and dictionaries of these.

        /// <summary>Replaces every element of <paramref name="object_list"/> with rank <paramref name="src"/>'s element.</summary>
        public static void broadcast_object_list(object?[] object_list, int src = 0, ProcessGroup? group = null)
        {
            if (Member(group) is not { } g) return;
            bool isSrc = g.GroupRank(src, "broadcast", "root") == g.rank();
            var sizes = zeros(object_list.Length, dtype: int64);
            byte[][] blobs = isSrc ? object_list.Select(ObjectBytes.Serialize).ToArray() : [];
            if (isSrc) sizes = tensor(blobs.Select(b => (long)b.Length).ToArray());
            broadcast(sizes, src, group);
            var lengths = sizes.ToArray<long>();
            var data = isSrc ? tensor(blobs.SelectMany(b => b).ToArray()) : zeros(lengths.Sum(), dtype: uint8);
            broadcast(data, src, group);
            if (isSrc) return;
            var bytes = data.ToArray<byte>();
            long at = 0;
            for (int i = 0; i < object_list.Length; i++)
            {
                object_list[i] = ObjectBytes.Deserialize(bytes, at, lengths[i]);
                at += lengths[i];
            }
        }

        /// <summary>Every rank's <paramref name="obj"/> into <paramref name="object_list"/> (one element per rank, in rank order).</summary>
        public static void all_gather_object(object?[] object_list, object? obj, ProcessGroup? group = null)
        {
            if (Member(group) is not { } g) return;
            if (object_list.Length < g.size()) throw new IndexOutOfRangeException("list assignment index out of range");
            var mine = ObjectBytes.Serialize(obj);
            var sizes = zeros(g.size(), dtype: int64);
            all_gather_into_tensor(sizes, tensor(new long[] { mine.Length }), group);
            var lengths = sizes.ToArray<long>();
            long max = lengths.Max();
            var padded = new byte[max];
            mine.CopyTo(padded, 0);
            var all = zeros(max * g.size(), dtype: uint8);
            all_gather_into_tensor(all, tensor(padded), group);
            var bytes = all.ToArray<byte>();
            for (int r = 0; r < g.size(); r++) object_list[r] = ObjectBytes.Deserialize(bytes, r * max, lengths[r]);
        }
    }
}
