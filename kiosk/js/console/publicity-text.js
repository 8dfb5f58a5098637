// The words of the board screen's public-notice part, Chinese first.
export const TEXT = {
  "zh-CN": {
    "c.pub.loopback": "注意：海报和公示表上的二维码会打开 {url}，这是本机地址，村民手机打不开。请设置 JIFEN_PUBLIC_URL（村里能访问的地址）后再打印。",
    "c.pub.sheet": "{period} 公示表 {size}",
    "c.pub.makeLink": "生成大屏全名链接", "c.pub.revoke": "收回大屏全名链接",
    "c.pub.made": "村部大屏请打开：{url}（只显示这一次，旧链接已失效）",
    "c.pub.revoked": "已收回：大屏只显示部分姓名。",
  },
  en: {
    "c.pub.loopback": "Note: QR codes on posters and notice sheets open {url}, an address of this PC that villagers' phones cannot reach. Set JIFEN_PUBLIC_URL before printing.",
    "c.pub.sheet": "{period} notice sheet {size}",
    "c.pub.makeLink": "Make the hall screen's full-name link",
    "c.pub.revoke": "Revoke the full-name link",
    "c.pub.made": "Open on the hall screen: {url} (shown once; the old link no longer works)",
    "c.pub.revoked": "Revoked: the hall screen shows masked names.",
  },
};
