//! What every model's `Params` shares: it is read from a lesson's parameter map over its
//! scene's catalogue defaults (`Params::from_map`), and its `Default` is that reading of
//! an empty map, so a model, its scene and the command line start from the same figures.

/// `impl Default for Params` as `Params::from_map` of an empty map: the catalogue's
/// defaults (and, where `from_map` has them, its own for figures only overrides set).
macro_rules! default_from_catalogue {
    ($params:ty) => {
        impl Default for $params {
            /// The scene catalogue's defaults, read by `from_map` from an empty map.
            fn default() -> Self {
                Self::from_map(&$crate::sim::catalog::ParamMap::new())
            }
        }
    };
}
pub(crate) use default_from_catalogue;
