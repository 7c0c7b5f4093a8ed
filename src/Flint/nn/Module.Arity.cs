namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>A module whose forward takes three arguments.</summary>
        public abstract class Module<T1, T2, T3, TResult> : Module
        {
            /// <summary>The computation of the module on three inputs; call the module with <c>call</c>, which runs the hooks too.</summary>
            public abstract TResult forward(T1 input1, T2 input2, T3 input3);

            /// <summary>Runs the module on three inputs (forward pre-hooks, <c>forward</c>, forward hooks), as calling a PyTorch module.</summary>
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
            /// <summary>The computation of the module on four inputs; call the module with <c>call</c>.</summary>
            public abstract TResult forward(T1 input1, T2 input2, T3 input3, T4 input4);

            /// <summary>Runs the module on four inputs (hooks and <c>forward</c>), as calling a PyTorch module.</summary>
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
