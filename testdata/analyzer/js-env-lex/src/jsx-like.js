const el = <div>process.env.NOT_A_READ {process.env.JSX_READ}</div>;
