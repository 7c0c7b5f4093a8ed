namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>A module whose forward takes three arguments.</summary>
        public abstract class Module<T1, T2, T3, TResult> : Module
        {
            public abstract TResult forward(T1 input1, T2 input2, T3 input3);

            public TResult call(T1 input1, T2 input2, T3 input3)
            {
                var args = RunPreHooks([input1, input2, input3]);
                var r = forward((T1)args[0]!, (T2)args[1]!, (T3)args[2]!);
                RunHooks(args, r);
                return r;
            }
        }

        /// <summary>A module whose forward takes four arguments.</summary>
        public abstract class Module<T1, T2, T3, T4, TResult> : Module
        {
            public abstract TResult forward(T1 input1, T2 input2, T3 input3, T4 input4);

            public TResult call(T1 input1, T2 input2, T3 input3, T4 input4)
            {
                var args = RunPreHooks([input1, input2, input3, input4]);
                var r = forward((T1)args[0]!, (T2)args[1]!, (T3)args[2]!, (T4)args[3]!);
                RunHooks(args, r);
                return r;
            }
        }
    }
}
