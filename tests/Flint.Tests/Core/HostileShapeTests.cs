using System.Text.Json;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Core;

/// <summary>
/// Sizes, strides and offsets chosen to overflow or to reach past a storage, through every constructor, view,
/// as_strided, set_ and the array bridge. PyTorch's outcome for each (tools/refs/gen_hostile_shapes.py) is the
/// expectation: an error with its text, or a tensor with its layout. None may produce a tensor whose elements lie
/// outside its storage.
/// </summary>
public class HostileShapeTests
{
    private const long Big = 1L << 62;
    private const long Wrap16 = (1L << 62) + 4;   // times 4 wraps to 16

    private static Storage StorageOf(long n) => torch.zeros(n).untyped_storage();

    private static readonly Dictionary<string, Func<Tensor>> Cases = new()
    {
        ["empty_2^62x4"] = () => torch.empty(Big, 4),
        ["empty_2^61x4"] = () => torch.empty(1L << 61, 4),
        ["empty_wrap16"] = () => torch.empty(Wrap16, 4),
        ["empty_uint8_2^62x4"] = () => torch.empty([Big, 4], dtype: torch.uint8),
        ["empty_sticky_zero"] = () => torch.empty(Big, 4, 0),
        ["empty_zero_dim_huge"] = () => torch.empty(1L << 31, 0, 1L << 33),
        ["empty_negative"] = () => torch.empty(-1),
        ["empty_float64_2^60"] = () => torch.empty([1L << 60], dtype: torch.float64),
        ["zeros_2^32x2^32"] = () => torch.zeros(1L << 32, 1L << 32),
        ["zeros_2^31x2^31"] = () => torch.zeros(1L << 31, 1L << 31),
        ["ones_2^62x4"] = () => torch.ones(Big, 4),
        ["full_2^62x4"] = () => torch.full([Big, 4], 1.0),
        ["randn_2^62x4"] = () => torch.randn(Big, 4),
        ["rand_2^62x4"] = () => torch.rand(Big, 4),
        ["empty_like_expanded"] = () => torch.empty_like(torch.zeros(1).expand(Big)),
        ["zeros_like_expanded"] = () => torch.zeros_like(torch.zeros(1).expand(Big)),
        ["to_double_expanded_bool"] = () => torch.zeros([1], dtype: torch.@bool).expand(Big).@double(),
        ["contiguous_expanded"] = () => torch.zeros(1).expand(Big).contiguous(),
        ["linspace_2^62"] = () => torch.linspace(0, 1, Big),
        ["randperm_2^62"] = () => torch.randperm(Big),
        ["arange_2^62"] = () => torch.arange(0, Big),
        ["empty_strided_ok"] = () => torch.empty_strided([2, 3], [3, 1]),
        ["empty_strided_overflow"] = () => torch.empty_strided([1L << 32, 1L << 32], [1L << 32, 1]),
        ["empty_strided_negative_stride"] = () => torch.empty_strided([2, 3], [-1, 1]),
        ["empty_strided_mismatch"] = () => torch.empty_strided([2, 3], [1]),
        ["repeat_2^32x2^32"] = () => torch.ones(2).repeat(1L << 32, 1L << 32),
        ["repeat_2^31x2^31"] = () => torch.zeros(2).repeat(1L << 31, 1L << 31),
        ["repeat_wrap2"] = () => torch.zeros(1, 1).repeat(4294967297, 4294967297),
        ["repeat_wrap16"] = () => torch.zeros(4).repeat(Wrap16),
        ["tile_wrap16"] = () => torch.zeros(4).tile(Wrap16),
        ["tile_2^32x2^32"] = () => torch.zeros(3).tile(1L << 32, 1L << 32),
        ["expand_2^32x2^32"] = () => torch.zeros(1).expand(1L << 32, 1L << 32),
        ["expand_2^62x3"] = () => torch.zeros(3).unsqueeze(0).expand(Big, 3),
        ["expand_wrap"] = () => torch.zeros(2).expand(Wrap16, 4, 2),
        ["expand_sticky_zero"] = () => torch.zeros(0).expand(Big, 4, 0),
        ["expand_3x2^62"] = () => torch.zeros(3, 1).expand(3, Big),
        ["view_wrap16"] = () => torch.zeros(16).view(Wrap16, 4),
        ["view_wrap16_inferred"] = () => torch.zeros(16).view(-1, Wrap16, 4),
        ["view_wrap_zero"] = () => torch.zeros(0).view(1L << 32, 1L << 32, 0),
        ["reshape_wrap16"] = () => torch.zeros(16).reshape(Wrap16, 4),
        ["reshape_2^62x4"] = () => torch.zeros(3).reshape(Big, 4),
        ["narrow_huge_length"] = () => torch.zeros(2, 3).narrow(1, 1, Big),
        ["as_strided_ok"] = () => torch.zeros(10).as_strided([2, 3], [4, 1]),
        ["as_strided_overflow"] = () => torch.zeros(10).as_strided([1L << 32, 1L << 32], [1L << 32, 1]),
        ["as_strided_out_of_bounds"] = () => torch.zeros(10).as_strided([2, 3], [4, 1], 8),
        ["as_strided_offset_wraps"] = () => torch.zeros(10).as_strided([2, 3], [4, 1], Big),
        ["as_strided_stride0_numel"] = () => torch.zeros(10).as_strided([Big, 3], [0, 0]),
        ["as_strided_numel_wrap"] = () => torch.zeros(4).as_strided([Wrap16, 4], [1, 0]),
        ["as_strided_zero_size"] = () => torch.zeros(10).as_strided([Big, 4, 0], [1, 1, 1]),
        ["as_strided_negative_offset"] = () => torch.zeros(4).as_strided([2, 2], [1, 1], -1),
        ["as_strided_mismatch"] = () => torch.zeros(4).as_strided([2], [1, 1]),
        ["as_strided_negative_size"] = () => torch.zeros(4).as_strided([-2, 2], [1, 1]),
        ["as_strided_negative_stride"] = () => torch.zeros(4).as_strided([2, 2], [-1, 1]),
        ["set_ok"] = () => torch.zeros(3).set_(StorageOf(10), 0, [2, 5], [5, 1]),
        ["set_contiguous_offset"] = () => torch.zeros(3).set_(StorageOf(6), 1, [2, 2]),
        ["set_out_of_bounds"] = () => torch.zeros(3).set_(StorageOf(10), 8, [2, 3], [4, 1]),
        ["set_whole_storage_too_big"] = () => torch.zeros(3).set_(StorageOf(10), 0, [3, 4], [4, 1]),
        ["set_overflow"] = () => torch.zeros(10).set_(StorageOf(10), 0, [1L << 32, 1L << 32], [1L << 32, 1]),
        ["set_overflow_contiguous"] = () => torch.zeros(3).set_(StorageOf(10), 0, [Big, 4]),
        ["set_negative_offset"] = () => torch.zeros(10).set_(StorageOf(10), -1, [2], [1]),
        ["set_negative_stride"] = () => torch.zeros(10).set_(StorageOf(10), 0, [2], [-1]),
        ["set_storage_dtype"] = () => torch.zeros(3).set_(torch.zeros([3], dtype: torch.int64).untyped_storage()),
        ["set_tensor"] = () => torch.zeros(3).set_(torch.zeros(2, 5)),
        ["set_empty"] = () => torch.zeros(3).set_(),
    };

    public static TheoryData<string> CaseNames() => Reference.CaseNames("hostile_shapes");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorch(string name)
    {
        var rec = Reference.Case("hostile_shapes", name);
        Assert.True(Cases.TryGetValue(name, out var run), $"no C# form for the recorded case {name}");
        if (rec.TryGetProperty("error", out _))
        {
            Reference.AssertError(rec, () => run!(), name);
            return;
        }
        var t = run!();
        Assert.Equal(Longs(rec, "shape"), t.shape.ToArray());
        Assert.Equal(Longs(rec, "strides"), t.stride());
        Assert.Equal(rec.GetProperty("offset").GetInt64(), t.storage_offset());
        Assert.True(Shape.LiesInside(t._shape, t._strides, t._offset, t._storage.Count), $"{name}: the result reaches past its storage");
    }

    [Fact]
    public void EveryCaseIsRecorded()
    {
        Assert.Equal(Cases.Keys.Order(), Reference.CasesByName("hostile_shapes").Keys.Order());
    }

    private static long[] Longs(JsonElement e, string prop) => e.GetProperty(prop).EnumerateArray().Select(x => x.GetInt64()).ToArray();

    [Fact]
    public void RefusedSetLeavesTheTensorUnchanged()
    {
        var t = torch.arange(6.0f).reshape(2, 3);
        var before = t._version_count;
        Assert.ThrowsAny<ArgumentException>(() => t.set_(StorageOf(10), 8, [2, 3], [4, 1]));
        Assert.Equal([2L, 3], t.shape.ToArray());
        Assert.Equal(before, t._version_count);
        Assert.Equal([0f, 1, 2, 3, 4, 5], t.reshape(-1).ToArray<float>());
    }

    [Fact]
    public void SetSharesMemoryAndBumpsTheVersion()
    {
        var src = torch.arange(10.0f);
        var t = torch.zeros(3);
        t.set_(src.untyped_storage(), 2, [2, 3], [3, 1]);
        Assert.Equal(1, t._version_count);
        Assert.Equal([2f, 3, 4, 5, 6, 7], t.reshape(-1).ToArray<float>());
        t[0, 0] = torch.tensor(-1f);
        Assert.Equal(-1f, src[2].item<float>());
    }

    [Fact]
    public void SetOnALeafThatRequiresGradIsRefused()
    {
        var x = torch.zeros([3], requires_grad: true);
        var ex = Assert.Throws<InvalidOperationException>(() => x.set_(torch.zeros(3)));
        Assert.Equal("a leaf Variable that requires grad is being used in an in-place operation.", ex.Message);
    }

    [Fact]
    public void BackwardThroughSetIsNotImplemented()
    {
        var x = torch.zeros([3], requires_grad: true);
        var y = x * 2;
        y.set_(torch.ones(3));
        Assert.True(y.requires_grad);
        var ex = Assert.Throws<NotSupportedException>(() => y.sum().backward());
        Assert.Equal("the derivative for 'set_' is not implemented.", ex.Message);
    }

    [Fact]
    public void FromArrayRefusesAShapeWhoseCountWraps()
    {
        // 2^32 * 2^32 wraps to 0, the length of the array: before, this made a tensor of 2^64 elements over nothing
        var ex = Assert.Throws<ArgumentException>(() => torch.from_array(Array.Empty<float>(), 1L << 32, 1L << 32));
        Assert.Equal("numel: integer multiplication overflow", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => torch.from_array(new float[16], Wrap16, 4));
        Assert.Equal("numel: integer multiplication overflow", ex.Message);
    }

    [Fact]
    public void LayoutCheckCatchesAViewPastItsStorage()
    {
        // the suite runs with Tensor.CheckLayouts on (Support/PoisonedMemory.cs): an internal view past its storage throws
        Assert.True(Tensor.CheckLayouts);
        var st = torch.zeros(4)._storage;
        Assert.ThrowsAny<InvalidOperationException>(() => new Tensor(st, [2, 3], [3, 1], 0));
        Assert.ThrowsAny<InvalidOperationException>(() => new Tensor(st, [2], [-1], 0));
        Assert.ThrowsAny<InvalidOperationException>(() => new Tensor(st, [1L << 32, 1L << 32], [0, 0], 0));
        var flipped = new Tensor(st, [4], [-1], 3);   // flip's layout: inside
        Assert.Equal(4, flipped.numel());
    }

    [Fact]
    public void SizeNumelIsChecked()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Size(1L << 32, 1L << 32).numel());
        Assert.Equal("numel: integer multiplication overflow", ex.Message);
    }
}
